using KafkaProxy.ConsoleHost.CommandLine;
using KafkaProxy.Core.Configuration.Binding;

namespace KafkaProxy.ConsoleHost.Tests.CommandLine;

public sealed class ServerFlagsTests
{
    [Fact]
    public void All_ProxyFlags_SetKeysTheBinderReads()
    {
        var keys = KafkaProxyOptionsBinder.Keys().Select(k => "KafkaProxy:" + k).ToHashSet(StringComparer.Ordinal);

        Assert.All(ServerFlags.All.Where(f => f.Key is not null && !f.IsHostSetting), f => Assert.Contains(f.Key!, keys));
    }

    [Fact]
    public void All_HostFlags_SetKeysOutsideTheProxysOptions()
    {
        var keys = KafkaProxyOptionsBinder.Keys().Select(k => "KafkaProxy:" + k).ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.All(ServerFlags.All.Where(f => f.IsHostSetting), f =>
        {
            Assert.DoesNotContain(f.Key!, keys);
            Assert.True(f.Key!.StartsWith("KafkaProxy:Http:", StringComparison.Ordinal) || f.Key.StartsWith("KafkaProxy:Chaos:", StringComparison.Ordinal)
                || f.Key.StartsWith("Logging:", StringComparison.Ordinal), f.Key);
        });
    }

    [Fact]
    public void All_NamesAndKeys_AreUnique()
    {
        Assert.Equal(ServerFlags.All.Count, ServerFlags.All.Select(f => f.Name).Distinct(StringComparer.Ordinal).Count());
        var keys = ServerFlags.All.Where(f => f.Key is not null).Select(f => f.Key!).ToList();
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void All_EveryFlagButHelpAndTheRefusedOne_SetsAKey()
    {
        Assert.All(ServerFlags.All, f => Assert.Equal(f.Kind is not (FlagKind.Help or FlagKind.Refused), f.Key is not null));
        Assert.Equal(["auth-local-command"], ServerFlags.All.Where(f => f.Kind == FlagKind.Refused).Select(f => f.Name));
    }

    [Fact]
    public void All_EveryFlagThatSetsAKey_IsParsedOntoIt()
    {
        foreach (var flag in ServerFlags.All.Where(f => f.Key is not null))
        {
            string[] args = flag.Kind switch
            {
                FlagKind.Choice => [flag.Flag, flag.Choices[0].Word],
                FlagKind.Switch or FlagKind.InvertedSwitch => [flag.Flag],
                _ => [flag.Flag, "v"],
            };

            var line = ServerCommandLine.Parse(args, _ => null);

            Assert.Empty(line.Errors);
            Assert.Equal([flag.Key], line.Settings.Keys);
            Assert.Equal(flag.Flag, line.FlagFor(flag.Key!));
        }
    }

    [Fact]
    public void All_PasswordVariables_AreTheGoProxys()
    {
        Assert.Equal(
            [("proxy-listener-key-password", "PROXY_LISTENER_KEY_PASSWORD"), ("tls-client-key-password", "TLS_CLIENT_KEY_PASSWORD"), ("sasl-password", "SASL_PASSWORD")],
            ServerFlags.All.Where(f => f.EnvironmentVariable is not null).Select(f => (f.Name, f.EnvironmentVariable!)));
    }
}
