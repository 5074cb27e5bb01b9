using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;

namespace KafkaProxy.IntegrationTests.Hosts;

/// <summary>
/// kafka-proxy published as a native AOT binary: every <see cref="ConsoleHostTests"/> scenario (inherited) runs against
/// it, and the publish itself is checked.
/// </summary>
[Collection(KafkaProxyProcesses.Name)]
public sealed partial class NativeAotHostTests(NativeAotKafkaProxy published) : ConsoleHostTests, IClassFixture<NativeAotKafkaProxy>
{
    private protected override KafkaProxyCommand Command => published.Command;

    [Fact]
    public void Publish_GivesOneNativeExecutableAndNoManagedAssemblies()
    {
        string[] files = Directory.GetFiles(published.OutputDirectory).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray();
        byte[] header = new byte[4];
        using (var binary = File.OpenRead(Path.Combine(published.OutputDirectory, "kafka-proxy")))
        {
            binary.ReadExactly(header);
        }

        Assert.Equal([0x7F, (byte)'E', (byte)'L', (byte)'F'], header);
        Assert.DoesNotContain(files, f => f.EndsWith(".dll", StringComparison.Ordinal) || f.EndsWith(".deps.json", StringComparison.Ordinal) || f.EndsWith(".runtimeconfig.json", StringComparison.Ordinal));
        // Beside it only its symbols, its shipped settings and the librdkafka builds the demo cluster may load.
        Assert.All(files, f => Assert.True(f is "kafka-proxy" or "kafka-proxy.dbg" or "appsettings.json" || f.EndsWith("librdkafka.so", StringComparison.Ordinal), f));
    }

    [Fact]
    public void Publish_TrimAndAotWarningsComeOnlyFromConfluentKafka()
    {
        string[] warnings = WarningLine().Matches(published.Publish.StandardOutput).Select(m => m.Value).Distinct().ToArray();

        // Ours would fail the publish (warnings are errors); Confluent.Kafka's reflection over its P/Invoke methods is
        // covered by the DynamicDependency in KafkaProxy.Testing. Any other assembly's warnings need a look.
        Assert.All(warnings, w => Assert.StartsWith("warning IL2104: Assembly 'Confluent.Kafka' produced trim warnings", w, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DemoMode_BinaryCopiedWithoutLibrdkafka_SaysWhichFilesToCopy()
    {
        var alone = Directory.CreateTempSubdirectory("kafka-proxy-alone-");
        try
        {
            string binary = Path.Combine(alone.FullName, "kafka-proxy");
            File.Copy(Path.Combine(published.OutputDirectory, "kafka-proxy"), binary);

            var result = await KafkaProxyCommand.Native(binary).RunAsync(["server", "--http-disable"], Clients.Patience);

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains($"A published app loads them from its folder ({alone.FullName}/): copy the librdkafka files", result.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            alone.Delete(recursive: true);
        }
    }

    // A process with no descriptor left at all: only the native AOT build is run so. The JIT runtime (CoreCLR) needs a
    // descriptor to start a thread-pool thread and aborts without one ("OutOfMemoryException" from Thread.StartCore,
    // SIGABRT), whatever the proxy does; which is why the proxy keeps a reserve and fits MaxConnections to the limit
    // (ConsoleHostTests.DescriptorLimit_*, run by both builds, never reach the limit).
    [Fact]
    public async Task DescriptorLimit_ProcessRunsOutOfDescriptors_ListenerWaitsNotReadyThenAcceptsAgain()
    {
        // accept() failing with EMFILE ended the listener for good, and nothing noticed: clients hung in the backlog
        // (the kernel still completes handshakes) and /ready said 200.
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        int httpPort = FreePorts.FindRun(1);
        using var host = Command.Start("server", "--http-listen-address", $"127.0.0.1:{httpPort}", "--bootstrap-server-mapping", $"{cluster.Brokers[0].Address},127.0.0.1:0");
        var output = new HostOutput(host);
        try
        {
            var (proxyHost, proxyPort) = Address(ListeningLine().Match(await output.WaitForLineAsync("Listening on ")).Groups[1].Value);
            // An HTTP connection opened now can still ask /ready when no descriptor is left for a new one.
            using var probe = await ConnectHttpAsync(httpPort, output);
            using var probeReader = new StreamReader(probe.GetStream(), Encoding.ASCII);
            Assert.Equal(200, await GetStatusAsync(probe.GetStream(), probeReader, "/ready"));
            string pid = host.Id.ToString(CultureInfo.InvariantCulture);
            string soft = SoftDescriptorLimit(host.Id);

            // The limit bounds descriptor numbers, not their count: any number below it that the process frees can be
            // taken again (a freed low number let the accept through and left nothing for the broker socket). Only 0-2
            // stay open for the process's whole life.
            await SetSoftDescriptorLimitAsync(pid, "3");
            using var waiting = new TcpClient();
            await waiting.ConnectAsync(proxyHost, proxyPort); // completes in the kernel's backlog
            await output.WaitForLineAsync("[1020]");
            Assert.Equal(503, await GetStatusAsync(probe.GetStream(), probeReader, "/ready"));
            await output.WaitForLineAsync("out of file descriptors (event 1020)");
            await waiting.GetStream().WriteAsync(ApiVersionsV0Request);
            await SetSoftDescriptorLimitAsync(pid, soft);

            // The client that waited is served, and the listener says so once.
            int? answer = await ReadAnswerOrCloseAsync(waiting);
            Assert.True(answer == 42, $"answer {answer?.ToString(CultureInfo.InvariantCulture) ?? "none (closed)"}\n{output}");
            await output.WaitForLineAsync("[1021]");
            Assert.Equal(200, await GetStatusAsync(probe.GetStream(), probeReader, "/ready"));
            await StopAsync(host, output);
        }
        finally
        {
            KillIfRunning(host);
        }

        Assert.Single(output.Lines, l => l.Contains("[1020]", StringComparison.Ordinal));
        Assert.DoesNotContain(output.Lines, l => l.Contains("[1009]", StringComparison.Ordinal));
        Assert.DoesNotContain(output.Lines, HasStack);
    }

    [Fact]
    public async Task DescriptorLimit_NoDescriptorLeftForTheBrokerSocket_ClientClosedWithOneLineAndNoStack()
    {
        // The broker socket was created outside the dial's try: each one that could not be was logged as a connection
        // that "failed unexpectedly", with a stack.
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        using var host = Command.Start("server", "--http-disable", "--bootstrap-server-mapping", $"{cluster.Brokers[0].Address},127.0.0.1:0");
        var output = new HostOutput(host);
        try
        {
            var (proxyHost, proxyPort) = Address(ListeningLine().Match(await output.WaitForLineAsync("Listening on ")).Groups[1].Value);
            string pid = host.Id.ToString(CultureInfo.InvariantCulture);
            string soft = SoftDescriptorLimit(host.Id);

            // Exactly one descriptor left, so that a client is accepted and its broker socket cannot be had. A new
            // descriptor takes the lowest free number, which must be below the soft limit: with the limit at that number
            // none is left, one above it one (a limit at the count of open descriptors left one for every number held
            // above the count, and then every client was served). What the process holds moves a little (it opens some
            // things lazily), so start with none left and, whenever the accept has waited a while, leave one again above
            // what is held by then; a client served instead holds its two, and the next one tries.
            int limit = LowestFreeDescriptor(pid);
            await SetSoftDescriptorLimitAsync(pid, limit.ToString(CultureInfo.InvariantCulture));
            var served = new List<TcpClient>();
            try
            {
                bool closed = false;
                for (int i = 0; i < 20 && !closed; i++)
                {
                    var client = new TcpClient();
                    served.Add(client);
                    await client.ConnectAsync(proxyHost, proxyPort); // completes in the kernel's backlog
                    await client.GetStream().WriteAsync(ApiVersionsV0Request);
                    var answer = ReadAnswerOrCloseAsync(client);
                    while (await Task.WhenAny(answer, Task.Delay(TimeSpan.FromSeconds(2))) != answer)
                    {
                        limit = Math.Max(limit + 1, LowestFreeDescriptor(pid) + 1);
                        await SetSoftDescriptorLimitAsync(pid, limit.ToString(CultureInfo.InvariantCulture));
                    }

                    closed = await answer is null;
                }

                Assert.True(closed, $"every client was served\n{output}");
                await output.WaitForLineAsync("could not reach broker");
            }
            finally
            {
                await SetSoftDescriptorLimitAsync(pid, soft);
                served.ForEach(c => c.Dispose());
            }

            await using var after = await RawKafkaClient.ConnectAsync(proxyHost, proxyPort);
            await after.SendAsync(18, 0, false, _ => { });
            await StopAsync(host, output);
        }
        finally
        {
            KillIfRunning(host);
        }

        Assert.Contains(output.Lines, l => l.Contains("[1006]", StringComparison.Ordinal) && l.Contains("Too many open files", StringComparison.Ordinal));
        Assert.DoesNotContain(output.Lines, l => l.Contains("[1008]", StringComparison.Ordinal));
        Assert.DoesNotContain(output.Lines, HasStack);
    }

    // The lowest descriptor number process <paramref name="pid"/> does not hold: the one its next open takes.
    private static int LowestFreeDescriptor(string pid)
    {
        var held = Directory.GetFiles($"/proc/{pid}/fd").Select(f => int.Parse(Path.GetFileName(f), CultureInfo.InvariantCulture)).ToHashSet();
        int lowest = 0;
        while (held.Contains(lowest))
        {
            lowest++;
        }

        return lowest;
    }

    [GeneratedRegex(@"warning IL\d+: [^\r\n\[]*")]
    private static partial Regex WarningLine();
}
