using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using KafkaProxy.IntegrationTests.Support;

namespace KafkaProxy.IntegrationTests.Hosts;

// kafka-proxy (the console host, as a process; the native AOT binary in NativeAotHostTests) with the standard
// OpenTelemetry variables pointing at a test OTLP/HTTP receiver: its metrics and its connections' spans arrive there,
// and its JSON logs carry each connection's fields. Traffic is kcat through the proxy to the embedded test cluster.
public partial class ConsoleHostTests
{
    [Fact]
    public async Task OtlpEndpoint_MetricsAndConnectionSpansArriveOverOtlpHttp()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        };
        using var host = StartHost(environment, "server", "--http-disable");
        try
        {
            string proxy = await ReadProxyAddressAsync(host);
            var produce = await ExternalProcess.RunAsync("kcat", ["-P", "-b", proxy, "-t", "demo"], Clients.Patience, "one\ntwo\n");
            Assert.True(produce.ExitCode == 0, produce.ToString());

            await Eventually.TrueAsync(() => receiver.Received("/v1/metrics", "proxy_requests_total", "proxy_connections_total", "proxy_requests_bytes", "api_version", "broker"), receiver.Describe);
            // kcat has closed its connections: their spans ended, with the dial among their steps and the close reason.
            await Eventually.TrueAsync(() => receiver.Received("/v1/traces", "kafka_proxy.connection", "kafka_proxy.close_reason", "kafka_proxy.connection.id"), receiver.Describe);
            await Eventually.TrueAsync(() => receiver.Received("/v1/traces", "kafka_proxy.dial", "server.address"), receiver.Describe);
            Assert.True(receiver.Received("/v1/traces", "kafka-proxy"), "the resource names the service");
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task LogFormatJson_ConnectionLinesCarryConnectionClientAndBrokerFields()
    {
        using var host = StartHost("server", "--http-disable", "--log-format", "json", "--log-level", "debug");
        try
        {
            string proxy = await ReadUntilOnStandardErrorAsync(host, KcatLine());
            var produce = await ExternalProcess.RunAsync("kcat", ["-P", "-b", proxy, "-t", "demo"], Clients.Patience, "one\n");
            Assert.True(produce.ExitCode == 0, produce.ToString());

            while (true)
            {
                string line = await host.StandardOutput.ReadLineAsync().WaitAsync(Clients.Patience) ?? throw new InvalidOperationException("kafka-proxy exited early");
                using var json = JsonDocument.Parse(line);
                if (json.RootElement.GetProperty("EventId").GetInt32() != 1003) // connection opened
                {
                    continue;
                }

                var scope = Assert.Single(json.RootElement.GetProperty("Scopes").EnumerateArray(), s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("ConnectionId", out _));
                Assert.Equal(json.RootElement.GetProperty("State").GetProperty("ConnectionId").GetRawText(), scope.GetProperty("ConnectionId").GetRawText());
                Assert.Matches(@"^127\.0\.0\.1:\d+$", scope.GetProperty("ClientAddress").GetString());
                Assert.Matches(@"^127\.0\.0\.1:\d+$", scope.GetProperty("Broker").GetString());
                Assert.True(scope.TryGetProperty("Principal", out _), "the principal field is there (null: no client authentication)");
                break;
            }
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
    }

    // Reads stderr (where the banner goes with JSON logs) up to a line the pattern matches; returns its first group.
    private static async Task<string> ReadUntilOnStandardErrorAsync(Process host, Regex pattern)
    {
        while (true)
        {
            string line = await host.StandardError.ReadLineAsync().WaitAsync(Clients.Patience) ?? throw new InvalidOperationException("kafka-proxy exited early");
            var match = pattern.Match(line);
            if (match.Success)
            {
                return match.Groups[1].Value;
            }
        }
    }
}
