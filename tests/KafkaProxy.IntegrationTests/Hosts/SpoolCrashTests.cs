using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;
using Xunit.Abstractions;

namespace KafkaProxy.IntegrationTests.Hosts;

/// <summary>
/// The gateway's disk spool (KAFKA_FLUSHER_SPOOL_DIR), through the built web host run as a process and killed with
/// SIGKILL: what was answered 200 must be in Kafka afterwards, read from the test cluster directly.
/// </summary>
public sealed partial class SpoolCrashTests(ITestOutputHelper output) : IDisposable
{
    private const string Token = "spool-token-5e21";
    private const string Topic = "events";
    private readonly List<Process> _started = [];
    private readonly DirectoryInfo _spool = Directory.CreateTempSubdirectory("gateway-spool-");

    public void Dispose()
    {
        foreach (var process in _started)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        _spool.Delete(recursive: true);
    }

    /// <summary>
    /// SPOOL_KILLS kills in a row (5 by default; bench/spool.sh runs 20), each at a random moment under a continuous
    /// load of four clients, the host restarted after each. Duplicates (at-least-once) are counted and reported.
    /// </summary>
    [Fact]
    public async Task Sigkill_UnderLoad_ManyTimesInARow_EveryMessageAnswered200IsInKafka()
    {
        int kills = int.TryParse(Environment.GetEnvironmentVariable("SPOOL_KILLS"), CultureInfo.InvariantCulture, out int n) ? n : 5;
        int seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"{kills} kills, seed {seed}");
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        cluster.CreateTopic(Topic, partitions: 12);
        var answered = new ConcurrentDictionary<string, bool>();
        int replayedTotal = 0;

        for (int round = 0; round < kills; round++)
        {
            var gateway = StartGateway(cluster, ("KAFKA_FLUSHER_TIMEOUT", "0.05"));
            using var http = await gateway.ConnectAsync();
            using var stop = new CancellationTokenSource();
            int before = answered.Count;
            var clients = Enumerable.Range(0, 4).Select(c => PushUntilStoppedAsync(http, $"r{round}-c{c}", answered, stop.Token)).ToArray();
            await Eventually.TrueAsync(() => answered.Count > before, () => $"round {round}: no request answered 200");
            await Task.Delay(random.Next(50, 1000));

            gateway.Process.Kill(); // SIGKILL
            await gateway.Process.WaitForExitAsync().WaitAsync(Clients.Patience);
            await stop.CancelAsync();
            await Task.WhenAll(clients);
            string log = await gateway.Output;
            replayedTotal += ReplayedIn(log);
            output.WriteLine($"round {round}: killed after {answered.Count - before} messages answered 200; {Directory.GetFiles(_spool.FullName, "*.spool").Length} segment files left");
        }

        // A last start replays what the last kill left; a normal stop then drains and leaves the spool empty.
        var last = StartGateway(cluster, ("KAFKA_FLUSHER_TIMEOUT", "0.05"));
        (await last.ConnectAsync()).Dispose();
        var (read, perPartitionLow) = ReadAll(cluster.BootstrapServers, answered.Keys.ToHashSet());
        var (exitCode, lastLog) = await last.TerminateAsync();
        replayedTotal += ReplayedIn(lastLog);

        var missing = answered.Keys.Where(k => !read.ContainsKey(k)).ToList();
        int duplicates = read.Values.Sum(count => count - 1);
        output.WriteLine($"answered 200: {answered.Count} messages; read from Kafka: {read.Values.Sum()} ({read.Count} distinct); duplicates: {duplicates}; replayed from the spool at starts: {replayedTotal}; missing: {missing.Count}");
        Assert.All(perPartitionLow, low => Assert.Equal(0, low)); // nothing evicted by the test broker's retention
        Assert.True(missing.Count == 0, $"{missing.Count} messages answered 200 are not in Kafka, e.g. {string.Join(", ", missing.Take(5))}");
        Assert.True(exitCode == 0, lastLog);
        Assert.Empty(Directory.GetFiles(_spool.FullName, "*.spool"));
    }

    [Fact]
    public async Task Restart_AfterSigkill_CutsATornTail_AndSendsEachMessageToTheTopicCurrentWhenAccepted()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        cluster.CreateTopic(Topic, partitions: 3);
        cluster.CreateTopic("second", partitions: 3);
        // Nothing is flushed before the kill: every answered message is in the spool only.
        var first = StartGateway(cluster, ("KAFKA_FLUSHER_TIMEOUT", "3600"), ("KAFKA_FLUSHER_NUM_MESSAGES", "100000"));
        using (var http = await first.ConnectAsync())
        {
            await PushAsync(http, Enumerable.Range(0, 10).Select(i => $"first-{i}"));
            using var switched = await http.SendAsync(RunningGateway.PushRequest([], "/topic/second", Token));
            Assert.Equal(HttpStatusCode.OK, switched.StatusCode);
            await PushAsync(http, Enumerable.Range(0, 10).Select(i => $"second-{i}"));
        }

        first.Process.Kill();
        await first.Process.WaitForExitAsync().WaitAsync(Clients.Patience);
        // The segment being written when the host died (older ones were sealed after 100 ms).
        string segment = Directory.GetFiles(_spool.FullName, "*.spool").Order(StringComparer.Ordinal).Last();
        // A crash in the middle of writing the next request over the segment's 8-byte end mark: its header and part of
        // its body reached the disk.
        long good = new FileInfo(segment).Length - 8;
        await using (var file = new FileStream(segment, FileMode.Open))
        {
            file.Position = good;
            file.Write(Convert.FromHexString("2000000012345678010000"));
        }

        // No topic cache: the current topic after the restart is `events` again; the replayed messages keep theirs.
        var second = StartGateway(cluster, ("KAFKA_FLUSHER_TIMEOUT", "0.05"));
        string metrics;
        using (var http = await second.ConnectAsync())
        {
            await Eventually.TrueAsync(() => Directory.GetFiles(_spool.FullName, "*.spool").Length == 1, () => "the replayed segments were not deleted once acknowledged");
            metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        }

        var events = RunningGateway.ReadBack(cluster.BootstrapServers, Topic, 10);
        var switchedTo = RunningGateway.ReadBack(cluster.BootstrapServers, "second", 10);
        var (exitCode, log) = await second.TerminateAsync();

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"first-{i}").Order(), events.Select(r => Encoding.UTF8.GetString(r.Message.Value)).Order());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"second-{i}").Order(), switchedTo.Select(r => Encoding.UTF8.GetString(r.Message.Value)).Order());
        Assert.Contains($"has a torn tail at offset {good}", log, StringComparison.Ordinal);
        Assert.Contains("11 bytes cut off", log, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"^gateway_spool_replayed_total(\{[^}]*\})? 20$", RegexOptions.Multiline), metrics);
        Assert.True(exitCode == 0, log);
    }

    [Fact]
    public async Task FullSpool_Answers503WithRetryAfter_AndKeepsEveryMessageItAnswered200()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        cluster.CreateTopic(Topic, partitions: 3);
        var gateway = StartGateway(
            cluster, ("KAFKA_FLUSHER_TIMEOUT", "3600"), ("KAFKA_FLUSHER_NUM_MESSAGES", "100000"), ("KafkaProxy__Flusher__MaxSpoolBytes", "65536"));
        int accepted = 0;
        using (var http = await gateway.ConnectAsync())
        {
            while (true)
            {
                using var response = await http.SendAsync(RunningGateway.PushRequest(
                    RunningGateway.Frame(Enumerable.Range(0, 10).Select(i => Encoding.UTF8.GetBytes($"m{accepted + i}".PadRight(100, '.')))), token: Token));
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
                    Assert.Contains("MaxSpoolBytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                    break;
                }

                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                accepted += 10;
                Assert.True(accepted < 1000, "64 KiB of spool took more than 1000 messages of 100 bytes");
            }
        }

        var (exitCode, log) = await gateway.TerminateAsync();

        Assert.True(exitCode == 0, log);
        Assert.InRange(accepted, 400, 640);
        Assert.Equal(accepted, RunningGateway.ReadBack(cluster.BootstrapServers, Topic, accepted).Count);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // POSIX modes and chattr
    public async Task ReadOnlySpoolDirectory_StopsTheHostAtStart_WithExitTwoNamingTheSetting()
    {
        string directory = Path.Combine(_spool.FullName, "read-only");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        bool immutable = false;
        try
        {
            if (IsWritable(directory))
            {
                // Root ignores the mode bits; the immutable attribute stops root too.
                immutable = (await ExternalProcess.RunAsync("chattr", ["+i", directory], Clients.Patience)).ExitCode == 0;
                Assert.False(IsWritable(directory), "could not make a directory read-only for this user (mode 0555, chattr +i)");
            }

            var result = await ExternalProcess.RunAsync(
                "env",
                ["KAFKA_PROXY_KAFKA_SERVER=127.0.0.1:1", "KAFKA_PROXY_TOPIC=events", $"KAFKA_PROXY_TOKEN={Token}", $"KAFKA_FLUSHER_SPOOL_DIR={directory}",
                    $"ASPNETCORE_URLS=http://127.0.0.1:{FreePorts.FindRun(1)}", "dotnet", SampleHost.WebHostDll],
                Clients.Patience);

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains($"The spool directory {directory} (KAFKA_FLUSHER_SPOOL_DIR (KafkaProxy:Flusher:SpoolDirectory)) cannot be used", result.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            if (immutable)
            {
                await ExternalProcess.RunAsync("chattr", ["-i", directory], Clients.Patience);
            }

            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    // Batches of 20 unique messages until stopped; a 503 (starting, replaying, full) is retried after a pause.
    private static async Task PushUntilStoppedAsync(HttpClient http, string prefix, ConcurrentDictionary<string, bool> answered, CancellationToken stop)
    {
        for (int batch = 0; !stop.IsCancellationRequested; batch++)
        {
            string[] values = Enumerable.Range(0, 20).Select(i => $"{prefix}-{batch}-{i}").ToArray();
            try
            {
                using var response = await http.SendAsync(RunningGateway.PushRequest(RunningGateway.Frame(values.Select(Encoding.UTF8.GetBytes)), token: Token), stop);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    foreach (string value in values)
                    {
                        answered[value] = true;
                    }
                }
                else
                {
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    await Task.Delay(20, stop);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                // The host was killed mid-request: no answer, so no promise.
                return;
            }
        }
    }

    private static async Task PushAsync(HttpClient http, IEnumerable<string> values)
    {
        using var response = await http.SendAsync(RunningGateway.PushRequest(RunningGateway.Frame(values.Select(Encoding.UTF8.GetBytes)), token: Token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    // Reads the topic from the start until every expected message was seen and nothing more came for two seconds;
    // returns how often each message was read, and each partition's low watermark.
    private static (Dictionary<string, int> Read, List<long> LowWatermarks) ReadAll(string bootstrap, HashSet<string> expected)
    {
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "spool-readback-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(Topic);
        var read = new Dictionary<string, int>();
        int seen = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        var quietSince = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline && (seen < expected.Count || DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(2)))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: not null } result)
            {
                string value = Encoding.UTF8.GetString(result.Message.Value);
                read[value] = read.GetValueOrDefault(value) + 1;
                if (read[value] == 1 && expected.Contains(value))
                {
                    seen++;
                }

                quietSince = DateTime.UtcNow;
            }
        }

        var lows = consumer.Assignment.Select(p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).Low.Value).ToList();
        consumer.Close();
        return (read, lows);
    }

    private static int ReplayedIn(string log) =>
        ReplayDone().Matches(log).Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));

    private static bool IsWritable(string directory)
    {
        string probe = Path.Combine(directory, "probe");
        try
        {
            File.WriteAllText(probe, "x");
            File.Delete(probe);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private GatewayProcess StartGateway(KafkaTestCluster cluster, params (string Name, string Value)[] settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["KAFKA_PROXY_KAFKA_SERVER"] = cluster.BootstrapServers,
            ["KAFKA_PROXY_TOKEN"] = Token,
            ["KAFKA_PROXY_TOPIC"] = Topic,
            ["KAFKA_FLUSHER_SPOOL_DIR"] = _spool.FullName,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__KafkaProxy"] = "Information",
        };
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        return GatewayProcess.Start(environment, _started);
    }




    [GeneratedRegex(@"Spool replay done: (\d+) messages")]
    private static partial Regex ReplayDone();
}
