using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using KafkaProxy.IntegrationTests.Support;

namespace KafkaProxy.IntegrationTests.Observability;

/// <summary>
/// kafka-proxy (the console host, as a process) with the standard OpenTelemetry variables pointing at a test OTLP/HTTP
/// receiver: its metrics and its connections' spans arrive there, and its JSON logs carry each connection's fields.
/// Traffic is kcat through the proxy to the embedded test cluster.
/// </summary>
public sealed partial class OtlpExportTests
{
    [Fact]
    public async Task OtlpEndpointSet_MetricsAndConnectionSpansArriveOverOtlpHttp()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        };
        using var host = SampleHost.StartProcess("dotnet", [SampleHost.ConsoleHostDll, "server", "--http-disable"], environment);
        try
        {
            string proxy = await ReadUntilAsync(host, KcatLine());
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
    public async Task LogFormatJson_ConnectionLines_CarryConnectionClientAndBrokerFields()
    {
        using var host = SampleHost.StartProcess("dotnet", [SampleHost.ConsoleHostDll, "server", "--http-disable", "--log-format", "json", "--log-level", "debug"]);
        try
        {
            var lines = new List<string>();
            string proxy = await ReadUntilAsync(host, KcatLine(), lines, fromStandardError: true);
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

    // Reads stdout (or stderr) up to a line the pattern matches and returns the pattern's first group.
    private static async Task<string> ReadUntilAsync(Process host, Regex pattern, List<string>? seen = null, bool fromStandardError = false)
    {
        var reader = fromStandardError ? host.StandardError : host.StandardOutput;
        while (true)
        {
            string line = await reader.ReadLineAsync().WaitAsync(Clients.Patience) ?? throw new InvalidOperationException("kafka-proxy exited early: " + await host.StandardError.ReadToEndAsync());
            seen?.Add(line);
            var match = pattern.Match(line);
            if (match.Success)
            {
                return match.Groups[1].Value;
            }
        }
    }

    [GeneratedRegex(@"kcat -L -b (\S+)")]
    private static partial Regex KcatLine();
}
