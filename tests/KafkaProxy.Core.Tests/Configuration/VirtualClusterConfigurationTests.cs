using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Configuration.Binding;
using KafkaProxy.Core.Proxy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KafkaProxy.Core.Tests.Configuration;

public sealed class VirtualClusterConfigurationTests
{
    private static readonly Dictionary<string, string?> TwoValidClusters = new()
    {
        ["KafkaProxy:Clusters:orders:Brokers"] = "127.0.0.1:1,127.0.0.1:0",
        ["KafkaProxy:Clusters:payments:Brokers"] = "127.0.0.1:2,127.0.0.1:0",
    };

    private static IHost Host(Dictionary<string, string?> settings, Action<IKafkaProxyBuilder>? more = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new HostBuilder().ConfigureServices(services =>
        {
            var builder = services.AddKafkaProxy(configuration.GetSection("KafkaProxy"));
            more?.Invoke(builder);
        }).Build();
    }

    private static async Task<string> StartFailureAsync(Dictionary<string, string?> settings)
    {
        using var host = Host(settings);
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        return string.Join(" | ", failure.Failures);
    }

    private static Dictionary<string, string?> With(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>(TwoValidClusters);
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task Start_ClusterValueThatDoesNotBind_FailsNamingTheFullKey()
    {
        string failures = await StartFailureAsync(With(("KafkaProxy:Clusters:orders:Brokers", "not-a-mapping")));

        Assert.Contains("KafkaProxy:Clusters:orders:Brokers", failures, StringComparison.Ordinal);
        Assert.DoesNotContain("payments", failures, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UnknownKeyInACluster_FailsNamingTheFullKey()
    {
        string failures = await StartFailureAsync(With(("KafkaProxy:Clusters:payments:MaxConection", "5")));

        Assert.Contains("KafkaProxy:Clusters:payments:MaxConection", failures, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InvalidSettingInACluster_FailsNamingTheClustersKey()
    {
        string failures = await StartFailureAsync(With(("KafkaProxy:Clusters:orders:MaxConnections", "0")));

        Assert.Contains("KafkaProxy:Clusters:orders:MaxConnections", failures, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ClusterSettingBesideClusters_FailsNamingItAndWhereItBelongs()
    {
        string failures = await StartFailureAsync(With(("KafkaProxy:MaxConnections", "5"), ("KafkaProxy:Sni:HostPattern", "b-$(nodeId).x")));

        Assert.Contains("KafkaProxy:MaxConnections is a setting of one cluster, but KafkaProxy:Clusters defines virtual clusters: move it under KafkaProxy:Clusters:<name>:MaxConnections", failures, StringComparison.Ordinal);
        Assert.Contains("KafkaProxy:Sni is a setting of one cluster", failures, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ClusterNameUnfitForHostNames_FailsNamingIt()
    {
        string failures = await StartFailureAsync(With(("KafkaProxy:Clusters:my_orders:Brokers", "127.0.0.1:3,127.0.0.1:0")));

        Assert.Contains("KafkaProxy:Clusters:my_orders: 'my_orders' is not a virtual cluster name", failures, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ComponentsBesideClusters_AreNotClusterSettings()
    {
        using var host = Host(With(("KafkaProxy:Filters:allow:Topics", "a")));

        await host.StartAsync();
        var clusters = host.Services.GetRequiredService<VirtualClusters>();
        Assert.Equal(["orders", "payments"], clusters.Engines.Select(e => e.Name));
        Assert.All(clusters.Engines, e => Assert.Single(e.Engine.Listeners));
        await host.StopAsync();
    }

    [Fact]
    public async Task Start_WithChaos_IsRefusedNamingTheClusters()
    {
        using var host = Host(TwoValidClusters, builder => builder.AddChaos());

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("AddChaos() serves one cluster", failure.Message, StringComparison.Ordinal);
        Assert.Contains("orders, payments", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_EachClusterChanged_AppliesItsOwnChangeOnly()
    {
        var logs = new Support.LogCapture();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(TwoValidClusters).Build();
        using var host = new HostBuilder()
            .ConfigureLogging(l => l.AddProvider(logs))
            .ConfigureServices(services => services.AddKafkaProxy(configuration.GetSection("KafkaProxy")))
            .Build();
        await host.StartAsync();

        configuration["KafkaProxy:Clusters:orders:ForbiddenApiKeys"] = "19";
        configuration["KafkaProxy:Clusters:payments:MaxConnections"] = "5";
        configuration.Reload();

        Assert.Single(logs.Lines, l => l.StartsWith("Information 1017 ", StringComparison.Ordinal) && l.EndsWith(": ForbiddenApiKeys", StringComparison.Ordinal));
        Assert.Single(logs.Lines, l => l.StartsWith("Warning 1018 ", StringComparison.Ordinal) && l.EndsWith(": MaxConnections", StringComparison.Ordinal));
        await host.StopAsync();
    }

    [Fact]
    public void Bind_VirtualClusterToken_IsTheClustersName()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KafkaProxy:Clusters:orders:Sni:BootstrapHost"] = "bootstrap.$(virtualCluster).kafka.example.com",
            ["KafkaProxy:Clusters:orders:Sni:HostPattern"] = "broker-$(nodeId).$(virtualCluster).kafka.example.com",
        }).Build();
        var options = new KafkaProxyOptions();

        VirtualClusterBinder.Bind(configuration.GetSection("KafkaProxy"), "orders", options);

        Assert.Equal("bootstrap.orders.kafka.example.com", options.Sni.BootstrapHost);
        Assert.Equal("broker-$(nodeId).orders.kafka.example.com", options.Sni.HostPattern);
        Assert.Equal("KafkaProxy:Clusters:orders", options.ConfigurationPath);
        Assert.Equal("orders", options.VirtualCluster);
    }

    [Fact]
    public void Validate_VirtualClusterTokenOutsideClusters_SaysWhereItApplies()
    {
        var options = Sni("x", "bootstrap.kafka.example.com", "broker-$(nodeId).$(virtualCluster).kafka.example.com", 9092);
        options.ConfigurationPath = "KafkaProxy";

        var result = new KafkaProxyOptionsValidator().Validate(null, options);

        Assert.Contains("KafkaProxy:Sni: $(virtualCluster) stands for a virtual cluster's name and is replaced only in KafkaProxy:Clusters:<name>:Sni", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bootstrap.a.example.com", "b-$(nodeId).a.example.com", "bootstrap.a.example.com", "b-$(nodeId).b.example.com", "both bootstrap as 'bootstrap.a.example.com'")]
    [InlineData("b-7.b.example.com", "b-$(nodeId).a.example.com", "bootstrap.b.example.com", "b-$(nodeId).b.example.com", "bootstrap name 'b-7.b.example.com' fits the other's host pattern")]
    [InlineData("bootstrap.a", "b-$(nodeId).x", "bootstrap.b", "b-1$(nodeId).x", "host patterns 'b-$(nodeId).x' and 'b-1$(nodeId).x' have names in common")]
    [InlineData("bootstrap.a", "b-$(nodeId)0.x", "bootstrap.b", "b-$(nodeId).x", "host patterns 'b-$(nodeId)0.x' and 'b-$(nodeId).x' have names in common")]
    [InlineData("bootstrap.a", "B-$(nodeId).X", "bootstrap.b", "b-$(nodeId).x", "have names in common")]
    public void SniCollisions_NamesOneServerNameCouldFitTwice(string bootstrapA, string patternA, string bootstrapB, string patternB, string expected)
    {
        var found = VirtualClustersValidator.SniCollisions([Sni("a", bootstrapA, patternA, 9092), Sni("b", bootstrapB, patternB, 9092)]);

        var message = Assert.Single(found);
        Assert.Contains("KafkaProxy:Clusters:a:Sni and KafkaProxy:Clusters:b:Sni share the listener 0.0.0.0:9092", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("b-$(nodeId).a.example.com", "b-$(nodeId).b.example.com", 9092)]
    [InlineData("b-$(nodeId).x", "bx-$(nodeId).x", 9092)] // "bx-" adds no digit: no name fits both
    [InlineData("b-$(nodeId).x", "b-$(nodeId).x", 9093)] // another listener
    public void SniCollisions_NamesOfTheirOwnOrAnotherListener_AreNone(string patternA, string patternB, int portB)
    {
        Assert.Empty(VirtualClustersValidator.SniCollisions([Sni("a", "bootstrap.a", patternA, 9092), Sni("b", "bootstrap.b", patternB, portB)]));
    }

    private static KafkaProxyOptions Sni(string name, string bootstrap, string pattern, int port)
    {
        var options = new KafkaProxyOptions { ConfigurationPath = $"KafkaProxy:Clusters:{name}", VirtualCluster = name };
        options.Sni.ListenerAddress = new HostPort("0.0.0.0", port);
        options.Sni.BootstrapHost = bootstrap;
        options.Sni.HostPattern = pattern;
        return options;
    }
}
