using KafkaProxy.ConsoleHost.CommandLine;

namespace KafkaProxy.ConsoleHost.Tests.CommandLine;

public sealed class SecurityFlagsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static IReadOnlyDictionary<string, string?> Settings(params string[] args)
    {
        var line = ServerCommandLine.Parse(args, NoEnvironment);
        Assert.Empty(line.Errors);
        return line.Settings;
    }

    [Fact]
    public void Parse_TlsFlags_SetUpstreamTlsKeys()
    {
        var settings = Settings(
            "--tls-enable", "--tls-ca-chain-cert-file", "/etc/ca.pem", "--tls-system-cert-pool",
            "--tls-client-cert-file", "/etc/c.pem", "--tls-client-key-file=/etc/k.pem", "--tls-client-key-password", "pw",
            "--tls-server-name", "kafka.example", "--tls-insecure-skip-verify");

        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["KafkaProxy:UpstreamTls:Enabled"] = "true",
                ["KafkaProxy:UpstreamTls:CaChainCertFile"] = "/etc/ca.pem",
                ["KafkaProxy:UpstreamTls:UseSystemTrustStore"] = "true",
                ["KafkaProxy:UpstreamTls:ClientCertFile"] = "/etc/c.pem",
                ["KafkaProxy:UpstreamTls:ClientKeyFile"] = "/etc/k.pem",
                ["KafkaProxy:UpstreamTls:ClientKeyPassword"] = "pw",
                ["KafkaProxy:UpstreamTls:ServerName"] = "kafka.example",
                ["KafkaProxy:UpstreamTls:InsecureSkipVerify"] = "true",
            },
            settings.ToDictionary());
    }

    [Fact]
    public void Parse_SaslFlags_SetUpstreamSaslKeys()
    {
        var settings = Settings(
            "--sasl-enable", "--sasl-method", "scram-sha-512", "--sasl-username", "app", "--sasl-password", "pw",
            "--sasl-jaas-config-file", "/etc/jaas.conf", "--sasl-handshake-version", "0");

        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["KafkaProxy:UpstreamSasl:Enabled"] = "true",
                ["KafkaProxy:UpstreamSasl:Mechanism"] = "scram-sha-512",
                ["KafkaProxy:UpstreamSasl:Username"] = "app",
                ["KafkaProxy:UpstreamSasl:Password"] = "pw",
                ["KafkaProxy:UpstreamSasl:JaasConfigFile"] = "/etc/jaas.conf",
                ["KafkaProxy:UpstreamSasl:HandshakeVersion"] = "0",
            },
            settings.ToDictionary());
    }

    [Fact]
    public void Parse_ListenerTlsFlags_SetClientTlsKeys()
    {
        var settings = Settings(
            "--proxy-listener-tls-enable", "--proxy-listener-cert-file", "/etc/s.pem", "--proxy-listener-key-file", "/etc/s.key",
            "--proxy-listener-key-password=kpw", "--proxy-listener-ca-chain-cert-file", "/etc/clients.pem");

        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["KafkaProxy:ClientTls:Enabled"] = "true",
                ["KafkaProxy:ClientTls:CertFile"] = "/etc/s.pem",
                ["KafkaProxy:ClientTls:KeyFile"] = "/etc/s.key",
                ["KafkaProxy:ClientTls:KeyPassword"] = "kpw",
                ["KafkaProxy:ClientTls:ClientCaChainCertFile"] = "/etc/clients.pem",
            },
            settings.ToDictionary());
    }

    [Fact]
    public void Parse_PasswordsInEnvironment_AreASeparateSource()
    {
        var environment = new Dictionary<string, string>
        {
            ["SASL_PASSWORD"] = "sasl-env", ["TLS_CLIENT_KEY_PASSWORD"] = "key-env", ["PROXY_LISTENER_KEY_PASSWORD"] = "listener-env", ["OTHER"] = "x",
        };

        var line = ServerCommandLine.Parse(["--sasl-enable"], n => environment.GetValueOrDefault(n));

        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["KafkaProxy:UpstreamSasl:Password"] = "sasl-env",
                ["KafkaProxy:UpstreamTls:ClientKeyPassword"] = "key-env",
                ["KafkaProxy:ClientTls:KeyPassword"] = "listener-env",
            },
            line.EnvironmentSettings.ToDictionary());
        Assert.Equal(["KafkaProxy:UpstreamSasl:Enabled"], line.Settings.Keys);
        Assert.Null(line.FlagFor("KafkaProxy:UpstreamSasl:Password"));
    }

    [Fact]
    public void Parse_EmptyPasswordVariable_SetsNothing()
    {
        Assert.Empty(ServerCommandLine.Parse([], n => n == "SASL_PASSWORD" ? string.Empty : null).EnvironmentSettings);
    }

    [Fact]
    public void Parse_PasswordFlagAndEnvironment_BothKeptTheFlagInTheHigherSource()
    {
        var line = ServerCommandLine.Parse(["--sasl-password", "from-flag"], n => n == "SASL_PASSWORD" ? "from-env" : null);

        Assert.Equal("from-flag", line.Settings["KafkaProxy:UpstreamSasl:Password"]);
        Assert.Equal("from-env", line.EnvironmentSettings["KafkaProxy:UpstreamSasl:Password"]);
    }

    [Fact]
    public void Parse_ForbiddenApiKeys_CommaSeparatedAndRepeatable_JoinedIntoOneValue()
    {
        Assert.Equal("20, 19,44", Settings("--forbidden-api-keys", "20, 19", "--forbidden-api-keys=44")["KafkaProxy:ForbiddenApiKeys"]);
    }

    [Fact]
    public void HelpText_ListsTheSecurityFlags()
    {
        foreach (string flag in new[] { "--tls-enable", "--tls-ca-chain-cert-file <file>", "--tls-client-key-password <password>", "--tls-insecure-skip-verify", "--sasl-enable", "--sasl-method <mechanism>", "--sasl-jaas-config-file <file>", "--proxy-listener-key-password <password>" })
        {
            Assert.Contains(flag, ServerCommandLine.HelpText, StringComparison.Ordinal);
        }
    }
}
