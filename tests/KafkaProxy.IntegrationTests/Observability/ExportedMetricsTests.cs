using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Flushing;
using KafkaProxy.Core.Proxy;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.IntegrationTests.Observability;

/// <summary>
/// Every metric KafkaProxy exports, pinned by name, Prometheus type and label names: the Go kafka-proxy's five (its
/// dashboards query them) and ours. A name, a type or a label that changes fails here, as does an instrument added
/// without being pinned and documented.
/// </summary>
public sealed partial class ExportedMetricsTests
{
    /// <summary>Name → (type, labels). A tag added to an instrument (virtual_cluster, say) is added here too.</summary>
    internal static readonly IReadOnlyDictionary<string, (string Type, string[] Labels)> Pinned = new Dictionary<string, (string, string[])>
    {
        // KafkaProxy.Proxy; the first five are the Go kafka-proxy's.
        ["proxy_opened_connections"] = ("gauge", ["broker"]),
        ["proxy_requests_total"] = ("counter", ["broker", "api_key", "api_version"]),
        ["proxy_connections_total"] = ("counter", ["broker"]),
        ["proxy_requests_bytes"] = ("counter", ["broker"]),
        ["proxy_responses_bytes"] = ("counter", ["broker"]),
        ["proxy_request_duration_seconds"] = ("histogram", ["broker", "api_key"]),
        ["proxy_upstream_connect_failures_total"] = ("counter", ["broker"]),
        ["proxy_frames_rejected_total"] = ("counter", ["reason"]),
        ["proxy_connections_refused_total"] = ("counter", ["reason"]),
        ["proxy_dynamic_listeners"] = ("gauge", []),
        ["proxy_dynamic_listeners_refused_total"] = ("counter", ["reason"]),
        ["proxy_upstream_security_failures_total"] = ("counter", ["broker", "stage"]),
        ["proxy_client_security_failures_total"] = ("counter", ["stage"]),
        ["proxy_client_authentications_total"] = ("counter", ["mechanism"]),
        ["proxy_requests_refused_total"] = ("counter", ["api_key", "reason"]),
        ["proxy_audit_dropped_total"] = ("counter", ["reason"]),
        ["proxy_node_endpoints_dropped_total"] = ("counter", ["reason"]),
        ["proxy_spliced_bytes"] = ("counter", ["direction"]),

        // KafkaProxy.Gateway (the flusher)
        ["gateway_messages_accepted_total"] = ("counter", []),
        ["gateway_messages_flushed_total"] = ("counter", []),
        ["gateway_messages_failed_total"] = ("counter", []),
        ["gateway_messages_requeued_total"] = ("counter", []),
        ["gateway_flushes_total"] = ("counter", ["trigger"]),
        ["gateway_delivery_duration_seconds"] = ("histogram", []),
        ["gateway_buffered_messages"] = ("gauge", []),
        ["gateway_buffered_bytes"] = ("gauge", []),
        ["gateway_spool_replayed_total"] = ("counter", []),
        ["gateway_spool_bytes"] = ("gauge", []),
        ["gateway_spool_segments"] = ("gauge", []),
        ["gateway_spool_syncs_total"] = ("counter", []),

        // KafkaProxy.Http (the push endpoints)
        ["gateway_in_progress_bytes"] = ("gauge", []),
        ["gateway_requests_rejected_total"] = ("counter", ["reason"]),
        ["gateway_request_duration_seconds"] = ("histogram", ["status"]),
    };

    // Made only by a flusher with a spool (Flusher:SpoolDirectory); the hosts here have none.
    private static readonly string[] SpoolOnly = ["gateway_spool_bytes", "gateway_spool_segments", "gateway_spool_syncs_total"];

    // What one produce through the proxy and two pushes (one refused) make appear.
    private static readonly string[] AfterTraffic =
    [
        "proxy_opened_connections", "proxy_requests_total", "proxy_connections_total", "proxy_requests_bytes", "proxy_responses_bytes",
        "proxy_request_duration_seconds", "gateway_messages_accepted_total", "gateway_messages_flushed_total", "gateway_flushes_total",
        "gateway_delivery_duration_seconds", "gateway_buffered_messages", "gateway_buffered_bytes", "gateway_in_progress_bytes",
        "gateway_requests_rejected_total", "gateway_request_duration_seconds",
    ];

    [Fact]
    public async Task Metrics_AfterProxyAndGatewayTraffic_ServesEveryNameWithItsPinnedTypeAndLabels()
    {
        await using var host = await ProxyAndGateway.StartAsync();
        await host.TrafficAsync();

        var scrape = PrometheusScrape.Parse(await host.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

        foreach (string name in AfterTraffic)
        {
            Assert.True(scrape.Types.ContainsKey(name), $"{name} is not in /metrics");
        }

        foreach (var sample in scrape.Samples.Where(s => s.Name.StartsWith("proxy_", StringComparison.Ordinal) || s.Name.StartsWith("gateway_", StringComparison.Ordinal)))
        {
            string family = scrape.FamilyOf(sample);
            Assert.True(Pinned.TryGetValue(family, out var pinned), $"{family} is exported but not pinned");
            Assert.Equal(pinned.Type, scrape.Types[family]);
            var labels = sample.Labels.Keys.Where(k => !(pinned.Type == "histogram" && k == "le")).Order(StringComparer.Ordinal);
            Assert.Equal(pinned.Labels.Order(StringComparer.Ordinal), labels);
        }

        Assert.True(scrape.Sum("proxy_requests_total", ("api_key", "0")) > 0); // Produce, through the proxy
        Assert.True(scrape.Sum("gateway_messages_flushed_total") >= 2);
        Assert.True(scrape.Types.ContainsKey("dotnet_gc_collections"), "the runtime's meter is exported too");
    }

    [Fact]
    public async Task Instruments_OfEveryKafkaProxyMeter_ArePinnedWithTheirType()
    {
        var published = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name.StartsWith("KafkaProxy.", StringComparison.Ordinal))
                {
                    lock (published)
                    {
                        published.Add(instrument);
                    }
                }
            },
        };
        listener.Start();
        await using var host = await ProxyAndGateway.StartAsync();
        await host.TrafficAsync(); // some instruments are made with the services that first use them

        Instrument[] ours;
        lock (published)
        {
            ours = [.. published.Where(i => ReferenceEquals(i.Meter.Scope, host.MeterScope))];
        }

        Assert.Equal(Pinned.Keys.Except(SpoolOnly).Order(StringComparer.Ordinal), ours.Select(i => i.Name).Distinct().Order(StringComparer.Ordinal));
        foreach (var instrument in ours)
        {
            string type = instrument.GetType().Name switch
            {
                var n when n.StartsWith("Counter", StringComparison.Ordinal) => "counter",
                var n when n.StartsWith("Histogram", StringComparison.Ordinal) => "histogram",
                _ => "gauge", // up-down counters and gauges
            };
            Assert.True(type == Pinned[instrument.Name].Type, $"{instrument.Name} is a {instrument.GetType().Name}, pinned as a {Pinned[instrument.Name].Type}");
        }
    }

    [Fact]
    public async Task Dashboards_EveryQuery_NamesMetricsAndLabelsThatMetricsExports()
    {
        await using var host = await ProxyAndGateway.StartAsync();
        await host.TrafficAsync();
        var scrape = PrometheusScrape.Parse(await host.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        string[] dashboards = Directory.GetFiles(Path.Combine(SampleHost.RepositoryRoot, "deploy", "grafana"), "*.json");
        Assert.Equal(2, dashboards.Length);

        int queries = 0;
        foreach (string file in dashboards)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            foreach (string query in Queries(json.RootElement))
            {
                queries++;
                var families = MetricName().Matches(query).Select(m => FamilyOf(m.Value, scrape)).Distinct().ToList();
                Assert.True(families.Count > 0, $"{Path.GetFileName(file)}: '{query}' names no metric");
                foreach (string family in families)
                {
                    Assert.True(scrape.Types.ContainsKey(family) || Pinned.ContainsKey(family), $"{Path.GetFileName(file)}: '{query}' names {family}, which /metrics does not export");
                }

                // Each label grouped by is one of the metric's (or, for the runtime's, one /metrics shows).
                var labels = families.SelectMany(f => Pinned.TryGetValue(f, out var pinned) ? pinned.Labels
                    : scrape.Samples.Where(x => scrape.FamilyOf(x) == f).SelectMany(x => x.Labels.Keys)).Append("le").ToHashSet();
                foreach (string label in GroupedBy().Matches(query).SelectMany(m => m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries)))
                {
                    Assert.True(labels.Contains(label), $"{Path.GetFileName(file)}: '{query}' groups by {label}, a label none of its metrics has");
                }
            }
        }

        Assert.True(queries > 10);
    }

    [Fact]
    public void Docs_ListEveryPinnedMetric()
    {
        string docs = File.ReadAllText(Path.Combine(SampleHost.RepositoryRoot, "docs", "operations.md"))
            + File.ReadAllText(Path.Combine(SampleHost.RepositoryRoot, "docs", "gateway.md"));

        Assert.All(Pinned.Keys, name => Assert.Contains($"| `{name}` |", docs, StringComparison.Ordinal));
    }

    // A histogram is queried by its series (_bucket, _sum, _count); the family is the histogram's name.
    private static string FamilyOf(string name, PrometheusScrape scrape)
    {
        string stripped = HistogramSeries().Replace(name, string.Empty);
        bool histogram = (Pinned.TryGetValue(stripped, out var pinned) && pinned.Type == "histogram") || scrape.Types.GetValueOrDefault(stripped) == "histogram";
        return stripped != name && histogram ? stripped : name;
    }

    // Every "expr" and templating "query" in a dashboard.
    private static IEnumerable<string> Queries(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name is "expr" or "query" && property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() != "prometheus")
                {
                    yield return property.Value.GetString()!;
                }
                else
                {
                    foreach (string query in Queries(property.Value))
                    {
                        yield return query;
                    }
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                foreach (string query in Queries(item))
                {
                    yield return query;
                }
            }
        }
    }

    [GeneratedRegex(@"\b(?:proxy|gateway|dotnet)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"_(?:bucket|sum|count)$")]
    private static partial Regex HistogramSeries();

    [GeneratedRegex(@"\bby \(([^)]*)\)")]
    private static partial Regex GroupedBy();

    /// <summary>A proxy and a push gateway in one web host (as a deployment may run both), on real ports, before a 1-broker test cluster.</summary>
    internal sealed class ProxyAndGateway : IAsyncDisposable
    {
        public const string Token = "metrics-token-0d3c";

        private ProxyAndGateway(KafkaTestCluster cluster, WebApplication app, Uri address)
        {
            Cluster = cluster;
            App = app;
            Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        }

        public KafkaTestCluster Cluster { get; }

        public WebApplication App { get; }

        public HttpClient Http { get; }

        public IMeterFactory MeterScope => App.Services.GetRequiredService<IMeterFactory>();

        public string ProxyBootstrap => App.Services.GetRequiredService<ProxyEngine>().Listeners[0].Advertised.ToString();

        public static async Task<ProxyAndGateway> StartAsync(Action<WebApplicationBuilder>? configure = null)
        {
            var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
            cluster.CreateTopic("events", partitions: 1);
            var broker = cluster.Brokers[0];
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Services.Configure<BatchingFlusherOptions>(o =>
            {
                o.BootstrapServers = cluster.BootstrapServers;
                o.InitialTopic = "events";
                o.FlushInterval = TimeSpan.FromMilliseconds(100);
            });
            builder.Services.AddHttpPush(configure: o => o.Token = Token);
            builder.Services.AddKafkaProxy(o => o.Brokers.Add(new BrokerMapping { Upstream = new HostPort(broker.Host, broker.Port), Listen = new HostPort("127.0.0.1", 0) }))
                .AddOperationsEndpoints();
            configure?.Invoke(builder);
            var app = builder.Build();
            app.MapHttpPushGateway();
            app.MapKafkaProxyHealth();
            app.MapKafkaProxyMetrics();
            await app.StartAsync();
            string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new ProxyAndGateway(cluster, app, new Uri(address));
        }

        /// <summary>One message produced through the proxy; two pushed and flushed; one push refused (wrong token).</summary>
        public async Task TrafficAsync()
        {
            using (var producer = Clients.Producer(ProxyBootstrap))
            {
                await producer.ProduceAsync("events", new Message<string, string> { Key = "k", Value = "through the proxy" });
            }

            using var ok = await Http.SendAsync(RunningGateway.PushRequest(RunningGateway.Frame([Encoding.UTF8.GetBytes("a"), Encoding.UTF8.GetBytes("b")]), "/?wait=true", Token));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            using var refused = await Http.SendAsync(RunningGateway.PushRequest([1], token: "wrong"));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
            await Cluster.DisposeAsync();
        }
    }
}
