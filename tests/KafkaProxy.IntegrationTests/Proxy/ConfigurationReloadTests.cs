using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.IntegrationTests.Proxy;

/// <summary>
/// A proxy configured from an appsettings file with reloadOnChange: a saved change applies what can change live (here
/// the forbidden api keys, to a connection that is already open), names what needs a restart, and an invalid change
/// is refused with the running settings kept.
/// </summary>
public sealed class ConfigurationReloadTests : IAsyncDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("kafka-proxy-reload-");

    public ValueTask DisposeAsync()
    {
        _directory.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task FileChanged_ForbiddenKeysApplyToOpenConnections_ListenersNeedARestart_InvalidChangeIsRefused()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 2);
        int port = FreePorts.FindRun(1);
        string settings = Path.Combine(_directory.FullName, "appsettings.json");
        string broker = cluster.Brokers[0].Address;
        await WriteAsync(settings, $$"""{ "KafkaProxy": { "Brokers": [ "{{broker}},127.0.0.1:{{port}}" ], "ForbiddenApiKeys": [] } }""");
        var logs = new CapturingLoggerProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddJsonFile(settings, optional: false, reloadOnChange: true);
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Information);
        builder.Services.AddKafkaProxy(builder.Configuration.GetSection("KafkaProxy"));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            await using var open = await RawKafkaClient.ConnectAsync("127.0.0.1", port);
            await MetadataAsync(open); // allowed at first

            await WriteAsync(settings, $$"""
                { "KafkaProxy": { "Brokers": [ "{{broker}},127.0.0.1:{{port}}", "{{cluster.Brokers[1].Address}},127.0.0.1:0" ], "ForbiddenApiKeys": [ "Metadata" ] } }
                """);
            string applied = await logs.WaitForLineAsync("New settings applied");
            string restart = await logs.WaitForLineAsync("need a restart");

            Assert.Contains("ForbiddenApiKeys", applied, StringComparison.Ordinal);
            Assert.Contains("Brokers", restart, StringComparison.Ordinal);
            var refused = await Record.ExceptionAsync(() => MetadataAsync(open));
            Assert.True(refused is EndOfStreamException or IOException, $"the open connection should be closed for its Metadata request, got {refused}");

            await WriteAsync(settings, $$"""{ "KafkaProxy": { "Brokers": [ "{{broker}},127.0.0.1:{{port}}" ], "ForbiddenApiKeys": [], "IdleTimeout": "soon" } }""");
            string rejected = await logs.WaitForLineAsync("is not valid and was not applied");

            Assert.Contains("KafkaProxy:IdleTimeout: 'soon' is not a duration", rejected, StringComparison.Ordinal);
            await using var next = await RawKafkaClient.ConnectAsync("127.0.0.1", port);
            var stillRefused = await Record.ExceptionAsync(() => MetadataAsync(next));
            Assert.True(stillRefused is EndOfStreamException or IOException, $"the running settings (Metadata forbidden) should stay, got {stillRefused}");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    // Metadata v1 for every topic.
    private static Task<byte[]> MetadataAsync(RawKafkaClient client) =>
        client.SendAsync(3, 1, flexible: false, w => KafkaWriter.WriteInt32(w, -1));

    // Written whole and renamed into place, as editors and config management do, so a reader never sees half a file.
    private static async Task WriteAsync(string path, string json)
    {
        string temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, json);
        File.Move(temporary, path, overwrite: true);
    }
}
