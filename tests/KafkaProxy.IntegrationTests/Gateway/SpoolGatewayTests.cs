using System.Net;
using System.Text;
using System.Text.Json;
using KafkaProxy.IntegrationTests.Support;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.IntegrationTests.Gateway;

/// <summary>The gateway with its disk spool on, in process on a real port, in front of the test cluster.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // POSIX modes and chattr
public sealed class SpoolGatewayTests : IDisposable
{
    private readonly DirectoryInfo _spool = Directory.CreateTempSubdirectory("gateway-spool-");

    public void Dispose() => _spool.Delete(recursive: true);

    [Fact]
    public async Task WaitMode_WithTheSpool_AnswersWithOffsets_AndAStopLeavesNoSegmentBehind()
    {
        await using (var gateway = await RunningGateway.StartAsync(flusher: o => o.SpoolDirectory = _spool.FullName))
        {
            using var response = await gateway.PushAsync([Encoding.UTF8.GetBytes("a"), Encoding.UTF8.GetBytes("b")], "/?wait=true");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.All(json.RootElement.GetProperty("offsets").EnumerateArray(), o => Assert.True(o.GetProperty("offset").GetInt64() >= 0));
            Assert.Equal(2, gateway.ReadBack(RunningGateway.Topic, 2).Count);
        }

        Assert.Empty(Directory.GetFiles(_spool.FullName, "*.spool"));
    }

    [Fact]
    public async Task Request_OverHalfOfMaxSpoolBytes_Is413_AndTakesNothing()
    {
        await using var gateway = await RunningGateway.StartAsync(flusher: o =>
        {
            o.SpoolDirectory = _spool.FullName;
            o.MaxSpoolBytes = 64 * 1024;
        });

        using var response = await gateway.PushAsync(Enumerable.Range(0, 40).Select(_ => new byte[1000]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("half its disk spool (32768 bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, gateway.Flusher.BufferedMessages);
    }

    [Fact]
    public async Task DiskError_Answers503SpoolFailed_LogsIt_AndNoMessageItRefusedReachesKafka()
    {
        await using var gateway = await RunningGateway.StartAsync(flusher: o => o.SpoolDirectory = _spool.FullName);
        int accepted = 0;
        int post = 0;
        async Task<HttpResponseMessage> PushOneAsync()
        {
            var response = await gateway.PushAsync([Encoding.UTF8.GetBytes($"m{post++}")]);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                accepted++;
            }

            return response;
        }

        Assert.Equal(HttpStatusCode.OK, (await PushOneAsync()).StatusCode);
        bool immutable = await MakeReadOnlyAsync(_spool.FullName);
        HttpResponseMessage refused;
        try
        {
            // The current segment takes writes until it is 100 ms old (MessageSpool.RollAfter); the next one cannot be created.
            using var patience = new CancellationTokenSource(Clients.Patience);
            while (true)
            {
                var response = await PushOneAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    refused = response;
                    break;
                }

                response.Dispose();
                Assert.False(patience.IsCancellationRequested, "the spool kept taking writes in a read-only directory");
            }
        }
        finally
        {
            await MakeWritableAsync(_spool.FullName, immutable);
        }

        using (refused)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Contains("could not write the messages to its disk spool", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Contains(gateway.Logs.Events, e => e.EventId == 3015 && e.Level == LogLevel.Error);
        using (var again = await PushOneAsync())
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode); // a new segment, now that the directory is writable
        }

        // Exactly the messages answered 200: ReadBack fails on one more.
        Assert.Equal(accepted, gateway.ReadBack(RunningGateway.Topic, accepted).Count);
    }

    // Mode 0555; root ignores it, so also the immutable attribute. True when the attribute was set.
    private static async Task<bool> MakeReadOnlyAsync(string directory)
    {
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        if (Environment.UserName != "root")
        {
            return false;
        }

        var result = await ExternalProcess.RunAsync("chattr", ["+i", directory], Clients.Patience);
        Assert.True(result.ExitCode == 0, "chattr +i (needed as root to make a directory read-only): " + result);
        return true;
    }

    private static async Task MakeWritableAsync(string directory, bool immutable)
    {
        if (immutable)
        {
            await ExternalProcess.RunAsync("chattr", ["-i", directory], Clients.Patience);
        }

        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
