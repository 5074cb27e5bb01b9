using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Configuration.CommandLine;

namespace KafkaProxy.Core.Tests.Security;

public sealed class SecurityCommandLineTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static KafkaProxyOptions Apply(Func<string, string?> environment, params string[] args)
    {
        var options = new KafkaProxyOptions();
        ServerCommandLine.Parse(args, environment).ApplyTo(options);
        return options;
    }

    [Fact]
    public void Parse_TlsFlags_FillUpstreamTls()
    {
        var tls = Apply(NoEnvironment,
            "--tls-enable", "--tls-ca-chain-cert-file", "/etc/ca.pem", "--tls-system-cert-pool",
            "--tls-client-cert-file", "/etc/c.pem", "--tls-client-key-file=/etc/k.pem", "--tls-client-key-password", "pw",
            "--tls-server-name", "kafka.example", "--tls-insecure-skip-verify").UpstreamTls;

        Assert.True(tls.Enabled);
        Assert.Equal(("/etc/ca.pem", true), (tls.CaChainCertFile, tls.UseSystemTrustStore));
        Assert.Equal(("/etc/c.pem", "/etc/k.pem", "pw"), (tls.ClientCertFile, tls.ClientKeyFile, tls.ClientKeyPassword));
        Assert.Equal("kafka.example", tls.ServerName);
        Assert.True(tls.InsecureSkipVerify);
    }

    [Fact]
    public void Parse_SaslFlags_FillUpstreamSasl()
    {
        var sasl = Apply(NoEnvironment,
            "--sasl-enable", "--sasl-method", "scram-sha-512", "--sasl-username", "app", "--sasl-password", "pw",
            "--sasl-jaas-config-file", "/etc/jaas.conf", "--sasl-handshake-version", "0").UpstreamSasl;

        Assert.True(sasl.Enabled);
        Assert.Equal("SCRAM-SHA-512", sasl.Mechanism);
        Assert.Equal(("app", "pw", "/etc/jaas.conf"), (sasl.Username, sasl.Password, sasl.JaasConfigFile));
        Assert.Equal(0, sasl.HandshakeVersion);
    }

    [Fact]
    public void Parse_NoFlags_LeavesTlsAndSaslOff()
    {
        var options = Apply(NoEnvironment);

        Assert.False(options.UpstreamTls.Enabled);
        Assert.False(options.UpstreamSasl.Enabled);
        Assert.Equal("PLAIN", options.UpstreamSasl.Mechanism);
        Assert.Equal(1, options.UpstreamSasl.HandshakeVersion);
    }

    [Fact]
    public void Parse_PasswordsInEnvironment_AreUsedWhenTheFlagsAreMissing()
    {
        var environment = new Dictionary<string, string> { ["SASL_PASSWORD"] = "from-env", ["TLS_CLIENT_KEY_PASSWORD"] = "key-env" };

        var options = Apply(n => environment.GetValueOrDefault(n), "--sasl-enable");

        Assert.Equal("from-env", options.UpstreamSasl.Password);
        Assert.Equal("key-env", options.UpstreamTls.ClientKeyPassword);
    }

    [Fact]
    public void Parse_PasswordFlagAndEnvironment_FlagWins()
    {
        var options = Apply(n => n == "SASL_PASSWORD" ? "from-env" : null, "--sasl-password", "from-flag");

        Assert.Equal("from-flag", options.UpstreamSasl.Password);
    }

    [Fact]
    public void Parse_UnknownSaslMethod_NamesTheFlagAndTheChoices()
    {
        var error = Assert.Throws<CommandLineException>(() => ServerCommandLine.Parse(["--sasl-method", "GSSAPI"], NoEnvironment));

        Assert.Equal("--sasl-method: 'GSSAPI' is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512.", error.Message);
    }

    [Fact]
    public void HelpText_ListsTheSecurityFlags()
    {
        foreach (string flag in new[] { "--tls-enable", "--tls-ca-chain-cert-file <file>", "--tls-client-key-password <password>", "--tls-insecure-skip-verify", "--sasl-enable", "--sasl-method <mechanism>", "--sasl-jaas-config-file <file>" })
        {
            Assert.Contains(flag, ServerCommandLine.HelpText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_ForbiddenApiKeys_CommaSeparatedAndRepeatable()
    {
        var options = Apply(NoEnvironment, "--forbidden-api-keys", "20, 19", "--forbidden-api-keys=44");

        Assert.Equal(new short[] { 19, 20, 44 }, options.ForbiddenApiKeys);
    }

    [Fact]
    public void Parse_ForbiddenApiKeyNotANumber_NamesTheValue()
    {
        var error = Assert.Throws<CommandLineException>(() => ServerCommandLine.Parse(["--forbidden-api-keys", "20,DeleteTopics"], NoEnvironment));

        Assert.Equal("--forbidden-api-keys: 'DeleteTopics' is not an api key: give numbers from 0 to 32767, comma-separated, such as 19,20.", error.Message);
    }

    [Fact]
    public void Parse_ListenerTlsFlagsAndEnvironmentPassword_FillClientTls()
    {
        var tls = Apply(n => n == "PROXY_LISTENER_KEY_PASSWORD" ? "env-pw" : null,
            "--proxy-listener-tls-enable", "--proxy-listener-cert-file", "/etc/s.pem", "--proxy-listener-key-file", "/etc/s.key",
            "--proxy-listener-ca-chain-cert-file", "/etc/clients.pem").ClientTls;

        Assert.True(tls.Enabled);
        Assert.Equal(("/etc/s.pem", "/etc/s.key", "env-pw", "/etc/clients.pem"), (tls.CertFile, tls.KeyFile, tls.KeyPassword, tls.ClientCaChainCertFile));
    }
}
