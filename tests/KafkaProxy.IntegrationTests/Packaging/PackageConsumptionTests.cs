using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;

namespace KafkaProxy.IntegrationTests.Packaging;

/// <summary>
/// The path users take: packages packed from this build, added with <c>dotnet add package</c> to a fresh console app
/// outside the repository, which runs a proxy in front of a test cluster; and the tool installed and run.
/// </summary>
public sealed class PackageConsumptionTests : IDisposable
{
    private static readonly TimeSpan DotnetPatience = TimeSpan.FromMinutes(4);

    // A version of its own, so that the machine's package cache never serves a package of an earlier build.
    private readonly string _version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("kafkaproxy-packaging-");

    public void Dispose()
    {
        _scratch.Delete(recursive: true);
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (string id in new[] { "kafkaproxy.protocol", "kafkaproxy.core", "kafkaproxy.testing", "kafkaproxy.tool" })
        {
            string cached = Path.Combine(cache, id, _version);
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }
    }

    [Fact]
    public async Task FreshApp_AddsThePackages_RunsAProxyThatAClientProducesAndConsumesThrough()
    {
        string feed = await PackAsync("src/KafkaProxy.Protocol", "src/KafkaProxy.Core", "src/KafkaProxy.Http", "src/KafkaProxy.Testing"); // Testing serves the chaos API with Http
        string app = await CreateAppAsync("app", feed);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using Confluent.Kafka;
            using KafkaProxy.Core.Configuration;
            using KafkaProxy.Core.Proxy;
            using KafkaProxy.Testing;
            using Microsoft.Extensions.DependencyInjection;

            await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
            cluster.CreateTopic("orders");
            var services = new ServiceCollection();
            services.AddKafkaProxy(o => o.Brokers.Add(BrokerMapping.Parse($"{cluster.Brokers[0].Address},127.0.0.1:0")));
            await using var provider = services.BuildServiceProvider();
            var proxy = provider.GetRequiredService<ProxyEngine>();
            await proxy.StartAsync();
            string bootstrap = proxy.Listeners[0].Advertised.ToString();

            using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build();
            await producer.ProduceAsync("orders", new Message<Null, string> { Value = "through the proxy" });
            using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "g", AutoOffsetReset = AutoOffsetReset.Earliest }).Build();
            consumer.Subscribe("orders");
            var read = consumer.Consume(TimeSpan.FromSeconds(30));
            Console.WriteLine($"consumed: {read?.Message.Value}");
            await proxy.StopAsync();
            """);

        foreach (string package in new[] { "KafkaProxy.Core", "KafkaProxy.Testing" })
        {
            await DotnetAsync(app, "add", "package", package, "--source", feed, "--version", _version);
        }

        // The app's own container (a real app usually has a host that brings one).
        await DotnetAsync(app, "add", "package", "Microsoft.Extensions.DependencyInjection", "--version", "10.0.12");

        var run = await DotnetAsync(app, "run");

        Assert.Contains("consumed: through the proxy", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FreshApp_ConfiguredByAppsettingsAlone_ProxiesKcatWithTheFilesSettingsAndRefusesABadKey()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        cluster.CreateTopic("orders");
        string feed = await PackAsync("src/KafkaProxy.Protocol", "src/KafkaProxy.Core");
        string app = await CreateAppAsync("configured", feed);
        // No option in code: everything comes from appsettings.json in the working directory.
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;

            var builder = Host.CreateApplicationBuilder(args);
            builder.Services.AddKafkaProxy(builder.Configuration.GetSection("KafkaProxy"));
            await builder.Build().RunAsync();
            """);
        await DotnetAsync(app, "add", "package", "KafkaProxy.Core", "--source", feed, "--version", _version);
        await DotnetAsync(app, "add", "package", "Microsoft.Extensions.Hosting", "--version", "10.0.12");
        await DotnetAsync(app, "build");
        int port = FreePorts.FindRun(1);
        string proxy = $"127.0.0.1:{port}";
        string settings = Path.Combine(app, "appsettings.json");

        // Produce (api key 0) forbidden by name, and an idle timeout written the Go way.
        await File.WriteAllTextAsync(settings, $$"""
            {
              "KafkaProxy": {
                "Brokers": [ { "Upstream": "{{cluster.Brokers[0].Address}}", "Listen": "{{proxy}}" } ],
                "ForbiddenApiKeys": [ "Produce" ],
                "IdleTimeout": "2s"
              }
            }
            """);
        using (var host = StartApp(app))
        {
            var listing = await WaitForListingAsync(proxy, host);
            Assert.Contains($"broker 1 at {proxy}", listing.StandardOutput, StringComparison.Ordinal);

            var produce = await ExternalProcess.RunAsync("kcat", ["-P", "-b", proxy, "-t", "orders", "-X", "message.timeout.ms=5000"], Clients.Patience, "refused\n");
            Assert.NotEqual(0, produce.ExitCode);
            using (var direct = Clients.Consumer(cluster.BootstrapServers, "package-check"))
            {
                direct.Subscribe("orders");
                Assert.Null(direct.Consume(TimeSpan.FromSeconds(3)));
            }

            // An idle connection is closed by the proxy after the file's 2 s (the default is 10 min).
            using var idle = new System.Net.Sockets.TcpClient();
            await idle.ConnectAsync(System.Net.IPAddress.Loopback, port);
            var closed = ClosedByPeerAsync(idle.GetStream());
            Assert.Same(closed, await Task.WhenAny(closed, Task.Delay(TimeSpan.FromSeconds(60))));
            host.Kill(entireProcessTree: true);
        }

        await File.WriteAllTextAsync(settings, $$"""
            { "KafkaProxy": { "Brokers": [ "{{cluster.Brokers[0].Address}},{{proxy}}" ], "IdelTimeout": "5m" } }
            """);
        var refused = await ExternalProcess.RunAsync("dotnet", ["run", "--no-build"], DotnetPatience, workingDirectory: app);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("KafkaProxy:IdelTimeout is not a setting", refused.StandardError + refused.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Did you mean KafkaProxy:IdleTimeout?", refused.StandardError + refused.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tool_InstalledIntoAToolPath_RunsServerHelp()
    {
        string feed = await PackAsync("samples/KafkaProxy.ConsoleHost");
        string tools = Path.Combine(_scratch.FullName, "tools");

        await DotnetAsync(_scratch.FullName, "tool", "install", "KafkaProxy.Tool", "--tool-path", tools, "--add-source", feed, "--version", _version);
        var help = await ExternalProcess.RunAsync(Path.Combine(tools, "kafka-proxy"), ["server", "--help"], DotnetPatience);

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("--bootstrap-server-mapping", help.StandardOutput, StringComparison.Ordinal);
    }

    // A console app outside the repository whose package sources are the local feed next to the machine's own (the
    // app's other dependencies come from those or the cache).
    private async Task<string> CreateAppAsync(string name, string feed)
    {
        string app = Directory.CreateDirectory(Path.Combine(_scratch.FullName, name)).FullName;
        await File.WriteAllTextAsync(Path.Combine(app, "app.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <configuration>
              <packageSources>
                <add key="kafkaproxy-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        return app;
    }

    // Completes when the peer closes the connection (an end of stream or a reset); no data is expected.
    private static async Task ClosedByPeerAsync(Stream stream)
    {
        try
        {
            Assert.Equal(0, await stream.ReadAsync(new byte[1]));
        }
        catch (IOException)
        {
        }
    }

    private static System.Diagnostics.Process StartApp(string directory)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("run");
        start.ArgumentList.Add("--no-build");
        var process = System.Diagnostics.Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    // kcat -L through the proxy, retried until the app listens (or exits).
    private static async Task<ExternalProcess> WaitForListingAsync(string proxy, System.Diagnostics.Process host)
    {
        var deadline = DateTime.UtcNow + DotnetPatience;
        while (true)
        {
            var listing = await ExternalProcess.RunAsync("kcat", ["-L", "-b", proxy, "-m", "3"], Clients.Patience);
            if (listing.ExitCode == 0 || host.HasExited || DateTime.UtcNow > deadline)
            {
                Assert.True(listing.ExitCode == 0, $"the app {(host.HasExited ? $"exited with {host.ExitCode}" : "did not serve")}: {listing}");
                return listing;
            }

            await Task.Delay(250);
        }
    }

    // Packs the given projects of this build (no rebuild) into a feed of their own.
    private async Task<string> PackAsync(params string[] projects)
    {
        string feed = Directory.CreateDirectory(Path.Combine(_scratch.FullName, "feed")).FullName;
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        foreach (string project in projects)
        {
            await DotnetAsync(SampleHost.RepositoryRoot, "pack", project, "--no-build", "-c", configuration, "-o", feed, $"-p:Version={_version}");
        }

        return feed;
    }

    private static async Task<ExternalProcess> DotnetAsync(string directory, params string[] arguments)
    {
        var result = await ExternalProcess.RunAsync("dotnet", arguments, DotnetPatience, workingDirectory: directory);
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} in {directory}: {result}");
        return result;
    }
}
