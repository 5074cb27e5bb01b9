using System.Reflection;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;
using KafkaProxy.Core.Tests.Support;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Tests.Proxy;

public sealed class ReconfigureTests
{
    private static KafkaProxyOptions Options(Action<KafkaProxyOptions>? configure = null)
    {
        var options = new KafkaProxyOptions();
        options.Brokers.Add(BrokerMapping.Parse("127.0.0.1:1,127.0.0.1:0"));
        configure?.Invoke(options);
        return options;
    }

    [Fact]
    public void SettingsComparison_EveryOption_IsEitherReloadableOrNeedsARestart()
    {
        // A new option that is in neither list would be silently ignored by Reconfigure: neither applied nor reported.
        // Its names are the configuration keys, as the binder reads them.
        var options = KafkaProxy.Core.Configuration.Binding.KafkaProxyOptionsBinder.Keys().ToList();
        var reloadable = SettingsComparison.Reloadable.Select(s => s.Name).ToList();
        var restart = SettingsComparison.NeedRestart.Select(s => s.Name).ToList();

        Assert.Empty(reloadable.Intersect(restart));
        Assert.Equal(options.Order(StringComparer.Ordinal), reloadable.Concat(restart).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Binder_EveryOption_BindsFromConfiguration()
    {
        // A public option the binder does not read could be set in code but never from appsettings, the environment or a flag.
        var options = OptionNames(typeof(KafkaProxyOptions), prefix: "").Concat(ConfigurationOnly).Order(StringComparer.Ordinal);

        Assert.Empty(options.Except(KafkaProxy.Core.Configuration.Binding.KafkaProxyOptionsBinder.Keys()));
    }

    [Fact]
    public void Binder_ConfigurationOnlySettings_AreInternalPropertiesOfTheOptions()
    {
        foreach (string key in ConfigurationOnly)
        {
            string[] path = key.Split(':');
            var type = path[..^1].Aggregate(typeof(KafkaProxyOptions), (t, name) => t.GetProperty(name)!.PropertyType);
            var property = type.GetProperty(path[^1], BindingFlags.NonPublic | BindingFlags.Instance);

            Assert.True(property is { GetMethod.IsAssembly: true, SetMethod.IsAssembly: true }, $"{key} is not an internal property with a getter and a setter");
        }
    }

    [Fact]
    public async Task Reconfigure_SameOptions_ChangesNothingAndLogsNothing()
    {
        var logs = new LogCapture();
        await using var engine = new ProxyEngine(Options(), new LoggerFactory([logs]));

        Assert.Empty(engine.Reconfigure(Options()));
        Assert.Empty(logs.Lines);
    }

    [Fact]
    public async Task Reconfigure_SettingsReadAtStart_AreNamedAndLoggedWithoutTheirValues()
    {
        var logs = new LogCapture();
        await using var engine = new ProxyEngine(Options(o => o.UpstreamSasl.Password = "old-SECRET"), new LoggerFactory([logs]));

        var restart = engine.Reconfigure(Options(o =>
        {
            o.UpstreamSasl.Password = "new-SECRET";
            o.MaxConnections = 5;
            o.DynamicListeners.SequentialMinPort = 30000;
            o.ClientTls.HandshakeTimeout = TimeSpan.FromSeconds(3);
        }));

        Assert.Equal(["DynamicListeners:SequentialMinPort", "UpstreamSasl:Password", "MaxConnections"], restart);
        Assert.Equal(2, logs.Lines.Count);
        Assert.Contains("Information 1017 New settings applied to new and open connections: ClientTls:HandshakeTimeout", logs.Lines);
        Assert.Contains("Warning 1018 Changed settings that need a restart to take effect (until then the running values stay): DynamicListeners:SequentialMinPort, UpstreamSasl:Password, MaxConnections", logs.Lines);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("SECRET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reconfigure_RestartSettingChangedTwice_IsComparedWithTheRunningValue()
    {
        await using var engine = new ProxyEngine(Options());

        Assert.Equal(["MaxFrameSize"], engine.Reconfigure(Options(o => o.MaxFrameSize = 1024)));
        Assert.Equal(["MaxFrameSize"], engine.Reconfigure(Options(o => o.MaxFrameSize = 1024)));
        Assert.Empty(engine.Reconfigure(Options()));
    }

    [Fact]
    public async Task Reconfigure_TheRunningOptionsObjectChangedInPlace_IsStillComparedWithTheValuesAtStart()
    {
        var options = Options();
        await using var engine = new ProxyEngine(options);

        options.MaxInFlightRequests = 7;
        options.IdleTimeout = TimeSpan.FromSeconds(42);

        Assert.Equal(["MaxInFlightRequests"], engine.Reconfigure(options));
    }

    // Settings bound from configuration whose properties are internal: the public API is at its ceiling.
    private static readonly string[] ConfigurationOnly = ["DynamicListeners:MaxListeners"];

    // Every settable leaf of the options, named as configuration spells it: nested option objects add their own names.
    private static IEnumerable<string> OptionNames(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var propertyType = property.PropertyType;
            bool nested = propertyType.IsClass && propertyType.Namespace == typeof(KafkaProxyOptions).Namespace;
            if (nested)
            {
                foreach (string name in OptionNames(propertyType, prefix + property.Name + ":"))
                {
                    yield return name;
                }
            }
            else
            {
                yield return prefix + property.Name;
            }
        }
    }
}
