using System.Buffers.Binary;
using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using Confluent.Kafka;
using KafkaProxy.Core.Flushing;
using KafkaProxy.Http.Gateway;
using KafkaProxy.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>The HTTP push gateway in process on a real Kestrel port, in front of a 3-broker test cluster.</summary>
internal sealed class RunningGateway : IAsyncDisposable
{
    public const string Token = "test-token-6b1f0c";
    public const string Topic = "events";

    private readonly bool _ownsCluster;

    private RunningGateway(KafkaTestCluster cluster, bool ownsCluster, WebApplication app, Uri address, CapturingLoggerProvider logs, ScopedMetrics metrics)
    {
        Metrics = metrics;
        Cluster = cluster;
        _ownsCluster = ownsCluster;
        App = app;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        Logs = logs;
    }

    public KafkaTestCluster Cluster { get; }

    public WebApplication App { get; }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public CapturingLoggerProvider Logs { get; }

    /// <summary>This gateway's own measurements (<c>/metrics</c> shows every gateway of the process).</summary>
    public ScopedMetrics Metrics { get; }

    /// <summary>What the push requests still being read hold now.</summary>
    public InProgressBudget InProgress => App.Services.GetRequiredService<InProgressBudget>();

    public BatchingFlusher Flusher => App.Services.GetRequiredService<BatchingFlusher>();

    /// <summary>Starts a gateway, in front of <paramref name="cluster"/> when given (it stays the caller's), else of a new one.</summary>
    public static async Task<RunningGateway> StartAsync(
        Action<BatchingFlusherOptions>? flusher = null,
        Action<HttpPushOptions>? push = null,
        KafkaTestCluster? cluster = null,
        Action<KestrelServerOptions>? kestrel = null)
    {
        bool ownsCluster = cluster is null;
        if (cluster is null)
        {
            cluster = await KafkaTestCluster.StartAsync(brokers: 3);
            cluster.CreateTopic(Topic, partitions: 3);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (kestrel is not null)
        {
            builder.WebHost.ConfigureKestrel(kestrel);
        }

        var logs = new CapturingLoggerProvider();
        // A rule for this provider alone, so that the Logging section of an appsettings.json in the output folder
        // (the sample hosts' are copied there) cannot raise the level.
        builder.Logging.ClearProviders().AddProvider(logs).AddFilter<CapturingLoggerProvider>(category: null, LogLevel.Trace);
        builder.Services.Configure<BatchingFlusherOptions>(o =>
        {
            o.BootstrapServers = cluster.BootstrapServers;
            o.InitialTopic = Topic;
            o.FlushInterval = TimeSpan.FromMilliseconds(200);
            o.Producer["linger.ms"] = "5";
            flusher?.Invoke(o);
        });
        builder.Services
            .AddHttpPush(configure: o =>
            {
                o.Token = Token;
                push?.Invoke(o);
            })
            .AddOperationsEndpoints();
        var app = builder.Build();
        var metrics = new ScopedMetrics(app.Services.GetRequiredService<IMeterFactory>());
        app.MapHttpPushGateway();
        app.MapKafkaProxyHealth();
        app.MapKafkaProxyMetrics();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningGateway(cluster, ownsCluster, app, new Uri(address), logs, metrics);
    }

    /// <summary>The body the existing clients send: per message a 4-byte little-endian length, then the bytes.</summary>
    public static byte[] Frame(IEnumerable<byte[]> messages)
    {
        using var body = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        foreach (byte[] message in messages)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)message.Length);
            body.Write(length);
            body.Write(message);
        }

        return body.ToArray();
    }

    public static HttpRequestMessage PushRequest(byte[] body, string path = "/", string? token = Token, string? contentType = "application/octet-stream")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Add("x-kafka-proxy-token", token);
        }

        return request;
    }

    public Task<HttpResponseMessage> PushAsync(IEnumerable<byte[]> messages, string path = "/") => Http.SendAsync(PushRequest(Frame(messages), path));

    public Task<HttpResponseMessage> SwitchTopicAsync(string topic) => Http.SendAsync(PushRequest([], "/topic/" + topic));

    /// <summary>Reads <paramref name="count"/> messages of <paramref name="topic"/> from the beginning, then checks that no more arrive.</summary>
    public List<ConsumeResult<Ignore, byte[]>> ReadBack(string topic, int count, TimeSpan? quiet = null) => ReadBack(Cluster.BootstrapServers, topic, count, quiet);

    public static List<ConsumeResult<Ignore, byte[]>> ReadBack(string bootstrap, string topic, int count, TimeSpan? quiet = null)
    {
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "readback-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<Ignore, byte[]>>(count);
        var deadline = DateTime.UtcNow + Clients.Patience;
        while (results.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"read {results.Count} of {count} messages of {topic} within {Clients.Patience}");
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: not null } result)
            {
                results.Add(result);
            }
        }

        // Exactly once: nothing beyond the expected count shows up.
        var extra = consumer.Consume(quiet ?? TimeSpan.FromSeconds(1));
        Assert.True(extra?.Message is null, $"an unexpected extra message at {extra?.TopicPartitionOffset}");
        consumer.Close();
        return results;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Metrics.Dispose();
        if (_ownsCluster)
        {
            await Cluster.DisposeAsync();
        }
    }
}
