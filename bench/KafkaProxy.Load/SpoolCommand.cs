using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using KafkaProxy.Load.Cluster;
using KafkaProxy.Load.Hosting;
using KafkaProxy.Load.Reporting;
using KafkaProxy.Load.Scenarios;
using static KafkaProxy.Load.Progress;

namespace KafkaProxy.Load;

/// <summary>
/// The HTTP gateway's disk spool against memory mode (issue 20): two gateway processes in front of one test cluster,
/// one with <c>KAFKA_FLUSHER_SPOOL_DIR</c> set, each pushed by 1, 8 and 64 concurrent clients sending POSTs of
/// 100 x 100 B without <c>?wait</c> (answered once in memory, or once on disk). Interleaved rounds whose order reverses
/// every other round; medians of the rounds. After each 1-client round, <see cref="DiskSyncProbe"/> times the disk alone
/// beside the spool. Writes <c>spool.md</c> to the output directory.
/// </summary>
internal static class SpoolCommand
{
    public const string MarkdownFile = "spool.md";
    private const int BatchMessages = 100;
    private const int MessageBytes = 100;
    private static readonly int[] ClientCounts = [1, 8, 64];

    // One request's records in the spool: a message record per message (17 bytes of overhead) and the end mark.
    private const int RequestSpoolBytes = BatchMessages * (MessageBytes + 17) + 8;

    public static async Task<int> RunAsync(LoadSettings settings)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var machine = MachineInfo.Read();
        string spoolDirectory = Path.Combine(Path.GetTempPath(), "kafkaproxy-bench-spool-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Say($"machine: {machine.Cores} cores, {machine.Cpu}, load {machine.LoadAverage}; spool in {spoolDirectory}");
        await using var cluster = await ClusterProcess.StartAsync(settings.LogDirectory);
        await using var memory = await GatewayProcess.StartAsync(settings.GatewayPath, cluster.BootstrapServers, BenchTopics.Gateway.Name, settings.LogDirectory, name: "gateway-memory");
        var spool = await GatewayProcess.StartAsync(
            settings.GatewayPath, cluster.BootstrapServers, BenchTopics.Gateway.Name, settings.LogDirectory, [$"KAFKA_FLUSHER_SPOOL_DIR={spoolDirectory}"], "gateway-spool");
        var modes = new (string Name, GatewayProcess Gateway)[] { ("memory", memory), ("spool", spool) };
        var results = new List<(int Clients, string Mode, int Round, PushResult Result)>();
        var disk = new List<DiskSyncResult>();
        try
        {
            foreach (int clients in ClientCounts)
            {
                for (int round = 1; round <= settings.Rounds; round++)
                {
                    foreach (var (mode, gateway) in round % 2 == 1 ? modes : modes.Reverse())
                    {
                        var result = await PushAsync(gateway.Address, clients, settings.ProduceDuration);
                        results.Add((clients, mode, round, result));
                        Say($"{clients} clients, round {round}, {mode}: {result.MessagesPerSecond:N0} msgs/s, p99 {result.P99:F2} ms, p50 {result.P50:F2} ms, {result.Refused} answered 503");
                    }

                    if (clients == 1)
                    {
                        var probe = DiskSyncProbe.Measure(spoolDirectory + "-probe", RequestSpoolBytes);
                        disk.Add(probe);
                        Say($"the disk alone, round {round}: write and fsync in place p50 {probe.InPlaceP50:F3} ms, appended p50 {probe.AppendP50:F3} ms");
                    }
                }
            }

            var spoolMetrics = await spool.ScrapeAsync();
            var memoryMetrics = await memory.ScrapeAsync();
            string refusals = $"memory mode {RefusalReasons(memoryMetrics)}; spool {RefusalReasons(spoolMetrics)}";
            double syncs = spoolMetrics.Sum("gateway_spool_syncs_total");
            double requests = spoolMetrics.Sum("gateway_request_duration_seconds_count", "status=\"200\"");
            string path = await PublishAsync(settings.OutputDirectory, MarkdownFile, Markdown(started, clock.Elapsed, settings, machine, results, disk, syncs, requests, refusals));
            Say($"done in {clock.Elapsed.TotalSeconds:F0} s: {path}");
            return 0;
        }
        finally
        {
            await spool.DisposeAsync();
            foreach (string directory in new[] { spoolDirectory, spoolDirectory + "-probe" })
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
        }
    }

    private static string Markdown(
        DateTimeOffset started, TimeSpan elapsed, LoadSettings settings, MachineInfo machine, List<(int Clients, string Mode, int Round, PushResult Result)> results, List<DiskSyncResult> disk, double syncs, double requests, string refusals)
    {
        var md = new StringBuilder();
        MarkdownHeader.Write(md, "# Gateway: disk spool vs memory mode", started, elapsed, Environment.GetEnvironmentVariable("BENCH_REVISION") ?? "unknown",
            settings.Command, machine, ".NET", MachineInfo.CurrentLoadAverage(), [], openFilesLimit: false);
        md.Append(CultureInfo.InvariantCulture, $"Two gateway processes (samples/KafkaProxy.WebHost, Release, default settings) in front of one 3-broker test cluster, one with `KAFKA_FLUSHER_SPOOL_DIR` on the machine's disk. Clients send POSTs of {BatchMessages} x {MessageBytes} B without `?wait`, each waiting for its answer before the next: memory mode answers once the messages are in memory, spool mode once they are written and fsynced. {settings.Rounds} rounds of {settings.ProduceDuration.TotalSeconds:F0} s per mode and client count, the two modes interleaved (order reversed every other round); medians of the rounds, never the best. p99 and p50 are of request latency over the whole run. A 503 (buffer full) is retried after 5 ms and not counted as throughput.\n\n");
        md.Append("| clients | memory msgs/s | spool msgs/s | spool / memory | memory p99 (ms) | spool p99 (ms) | memory p50 (ms) | spool p50 (ms) | 503s (memory / spool) | target ≥ 0.7 × |\n");
        md.Append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        foreach (int clients in ClientCounts)
        {
            var mem = results.Where(r => r.Clients == clients && r.Mode == "memory").Select(r => r.Result).ToList();
            var sp = results.Where(r => r.Clients == clients && r.Mode == "spool").Select(r => r.Result).ToList();
            double memoryRate = Median(mem.Select(r => r.MessagesPerSecond));
            double spoolRate = Median(sp.Select(r => r.MessagesPerSecond));
            double ratio = spoolRate / memoryRate;
            md.Append(CultureInfo.InvariantCulture,
                $"| {clients} | {memoryRate:N0} | {spoolRate:N0} | {ratio:F3} | {Median(mem.Select(r => r.P99)):F2} | {Median(sp.Select(r => r.P99)):F2} | {Median(mem.Select(r => r.P50)):F2} | {Median(sp.Select(r => r.P50)):F2} | {mem.Sum(r => r.Refused)} / {sp.Sum(r => r.Refused)} | {(ratio >= 0.7 ? "met" : "not met")} |\n");
        }

        md.Append('\n');
        if (disk.Count > 0)
        {
            double memoryP50 = Median(results.Where(r => r.Clients == 1 && r.Mode == "memory").Select(r => r.Result.P50));
            double inPlace = Median(disk.Select(d => d.InPlaceP50));
            md.Append(CultureInfo.InvariantCulture,
                $"The disk alone, beside the spool, after each 1-client round ({RequestSpoolBytes:N0} B, one request's records, written and fsynced 1,000 times; medians of the rounds): written over in place p50 {inPlace:F3} ms, p99 {Median(disk.Select(d => d.InPlaceP99)):F3} ms; appended p50 {Median(disk.Select(d => d.AppendP50)):F3} ms, p99 {Median(disk.Select(d => d.AppendP99)):F3} ms. ");
            md.Append(CultureInfo.InvariantCulture,
                $"A lone client waits for memory mode's work and one such fsync per request, so on this disk 1 client cannot pass about {memoryP50 / (memoryP50 + inPlace):F2} x memory mode (memory p50 / (memory p50 + in-place p50)).\n\n");
        }

        md.Append(CultureInfo.InvariantCulture, $"Requests answered 503 over the whole run, by the gateways' `gateway_requests_rejected_total`: {refusals}.\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Group commit: the spool gateway answered {requests:N0} requests 200 with {syncs:N0} fsyncs ({(syncs > 0 ? requests / syncs : 0):F1} requests per fsync over the whole run, all client counts together).\n\n");
        md.Append("Every round, per mode and client count:\n\n| clients | round | mode | msgs/s | p99 (ms) | p50 (ms) | 503s |\n| --- | --- | --- | --- | --- | --- | --- |\n");
        foreach (var (clients, mode, round, r) in results)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {clients} | {round} | {mode} | {r.MessagesPerSecond:N0} | {r.P99:F2} | {r.P50:F2} | {r.Refused} |\n");
        }

        return md.ToString();
    }

    private static async Task<PushResult> PushAsync(Uri gateway, int clients, TimeSpan duration)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(60) };
        byte[] body = Body();
        long refused = 0;
        async Task<bool> SendAsync()
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var request = new HttpRequestMessage(HttpMethod.Post, string.Empty) { Content = content };
            request.Headers.Add("x-kafka-proxy-token", GatewayProcess.Token);
            using var response = await http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Interlocked.Increment(ref refused);
                await Task.Delay(5);
                return false;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"the gateway answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            return true;
        }

        await SendAsync(); // warm up: connection, metadata
        var latencies = new List<double>[clients];
        long batches = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
        {
            latencies[i] = [];
            while (clock.Elapsed < duration)
            {
                long start = Stopwatch.GetTimestamp();
                if (await SendAsync())
                {
                    latencies[i].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    Interlocked.Increment(ref batches);
                }
            }
        }));
        double seconds = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new PushResult(
            batches * BatchMessages / seconds,
            all[(int)Math.Min(all.Length - 1, Math.Ceiling(all.Length * 0.99) - 1)],
            all[all.Length / 2],
            refused);
    }

    private static byte[] Body()
    {
        var body = new byte[BatchMessages * (4 + MessageBytes)];
        for (int i = 0; i < BatchMessages; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(i * (4 + MessageBytes)), MessageBytes);
        }

        return body;
    }

    private static double Median(IEnumerable<double> values) => Spread.Of(values).Median;

    // "buffer_full 12, spool_full 3", or "none".
    private static string RefusalReasons(MetricsSnapshot metrics)
    {
        string[] reasons = ["buffer_full", "in_progress_full", "spool_full", "spool_failed", "not_running"];
        var counted = reasons.Select(r => (Reason: r, Count: metrics.Sum("gateway_requests_rejected_total", $"reason=\"{r}\""))).Where(r => r.Count > 0).ToList();
        return counted.Count == 0 ? "none" : string.Join(", ", counted.Select(r => $"`{r.Reason}` {r.Count:N0}"));
    }


    private readonly record struct PushResult(double MessagesPerSecond, double P99, double P50, long Refused);
}
