using KafkaProxy.ConsoleHost.CommandLine;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Configuration.Binding;
using Microsoft.Extensions.Configuration;

namespace KafkaProxy.ConsoleHost.Tests.CommandLine;

/// <summary>The command line as the host uses it: settings over environment settings over a file's, bound by Core's binder.</summary>
public sealed class CommandLineConfigurationTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static KafkaProxyOptions Bind(ServerCommandLine line, IDictionary<string, string?>? file = null)
    {
        Assert.Empty(line.Errors);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(file ?? new Dictionary<string, string?>())
            .AddInMemoryCollection(line.EnvironmentSettings)
            .AddInMemoryCollection(line.Settings)
            .Build();
        var options = new KafkaProxyOptions();
        KafkaProxyOptionsBinder.Bind(configuration.GetSection("KafkaProxy"), options);
        return options;
    }

    private static KafkaProxyOptions Bind(params string[] args) => Bind(ServerCommandLine.Parse(args, NoEnvironment));

    [Fact]
    public void Bind_CommandLine_FillsTheOptions()
    {
        var environment = new Dictionary<string, string> { ["SASL_PASSWORD"] = "from-env" };
        var line = ServerCommandLine.Parse(
            [
                "--bootstrap-server-mapping", "b1:9092,127.0.0.1:19092", "--bootstrap-server-mapping=b2:9092,127.0.0.1:19093,proxy:19093",
                "--forbidden-api-keys", "19", "--forbidden-api-keys=20", "--idle-timeout", "5m", "--sasl-enable",
                "--dynamic-listeners-disable", "--kafka-dial-timeout", "1m30s", "--max-connections", "7",
            ],
            n => environment.GetValueOrDefault(n));

        var options = Bind(line);

        Assert.Empty(options.ConfigurationProblems);
        Assert.Equal(["b1:9092,127.0.0.1:19092", "b2:9092,127.0.0.1:19093,proxy:19093"], options.Brokers.Select(b => b.ToString()));
        Assert.Equal(new short[] { 19, 20 }, options.ForbiddenApiKeys.Order());
        Assert.Equal(TimeSpan.FromMinutes(5), options.IdleTimeout);
        Assert.True(options.UpstreamSasl.Enabled);
        Assert.Equal("from-env", options.UpstreamSasl.Password);
        Assert.False(options.DynamicListeners.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(90), options.DialTimeout);
        Assert.Equal(7, options.MaxConnections);
    }

    [Fact]
    public void Bind_PasswordFlagAndEnvironment_TheFlagWins()
    {
        var line = ServerCommandLine.Parse(["--sasl-password", "from-flag", "--tls-client-key-password=key-flag"], n => n switch
        {
            "SASL_PASSWORD" => "from-env",
            "TLS_CLIENT_KEY_PASSWORD" => "key-env",
            "PROXY_LISTENER_KEY_PASSWORD" => "listener-env",
            _ => null,
        });

        var options = Bind(line);

        Assert.Equal("from-flag", options.UpstreamSasl.Password);
        Assert.Equal("key-flag", options.UpstreamTls.ClientKeyPassword);
        Assert.Equal("listener-env", options.ClientTls.KeyPassword);
    }

    [Fact]
    public void Bind_ListFlag_ReplacesTheFilesListInsteadOfMergingByIndex()
    {
        var file = new Dictionary<string, string?>
        {
            ["KafkaProxy:Brokers:0"] = "f1:9092,127.0.0.1:29092",
            ["KafkaProxy:Brokers:1"] = "f2:9092,127.0.0.1:29093",
            ["KafkaProxy:ForbiddenApiKeys:0"] = "44",
            ["KafkaProxy:IdleTimeout"] = "1h",
        };

        var options = Bind(ServerCommandLine.Parse(["--bootstrap-server-mapping", "b1:9092,127.0.0.1:19092", "--forbidden-api-keys", "19,20"], NoEnvironment), file);

        Assert.Empty(options.ConfigurationProblems);
        Assert.Equal("b1:9092,127.0.0.1:19092", Assert.Single(options.Brokers).ToString());
        Assert.Equal(new short[] { 19, 20 }, options.ForbiddenApiKeys.Order());
        Assert.Equal(TimeSpan.FromHours(1), options.IdleTimeout);
    }

    [Fact]
    public void Bind_SwitchFalse_TurnsOffWhatTheFileTurnedOn()
    {
        var file = new Dictionary<string, string?> { ["KafkaProxy:UpstreamTls:Enabled"] = "true", ["KafkaProxy:DynamicListeners:Enabled"] = "false" };

        var options = Bind(ServerCommandLine.Parse(["--tls-enable=false", "--dynamic-listeners-disable=false"], NoEnvironment), file);

        Assert.False(options.UpstreamTls.Enabled);
        Assert.True(options.DynamicListeners.Enabled);
    }

    [Fact]
    public void Bind_EveryValueFlag_ReachesItsOption()
    {
        var options = Bind(
            "--default-listener-ip", "127.0.0.2", "--dynamic-advertised-listener", "proxy.example", "--dynamic-sequential-min-port", "30000",
            "--deterministic-listeners", "--dynamic-listeners-max", "16", "--external-server-mapping", "b3:9092,elsewhere:9092", "--dial-address-mapping", "b1:9092,10.1.1.1:9092",
            "--proxy-listener-read-buffer-size", "65536", "--proxy-listener-write-buffer-size", "131072", "--proxy-listener-keep-alive", "30s",
            "--kafka-connection-read-buffer-size", "1024", "--kafka-connection-write-buffer-size", "2048", "--kafka-keep-alive", "0",
            "--kafka-max-open-requests", "64", "--kafka-read-timeout", "6m", "--kafka-write-timeout", "500ms", "--max-frame-size", "1048576",
            "--drain-timeout", "45s", "--proxy-listener-tls-enable", "--proxy-listener-cert-file", "/s.pem", "--proxy-listener-key-file", "/s.key",
            "--proxy-listener-key-password", "kpw", "--proxy-listener-ca-chain-cert-file", "/clients.pem", "--tls-enable", "--tls-ca-chain-cert-file", "/ca.pem",
            "--tls-system-cert-pool", "--tls-client-cert-file", "/c.pem", "--tls-client-key-file", "/c.key", "--tls-server-name", "kafka.example",
            "--tls-insecure-skip-verify", "--sasl-method", "scram-sha-512", "--sasl-username", "app", "--sasl-jaas-config-file", "/jaas.conf",
            "--sasl-handshake-version", "0", "--auth-local-enable", "--auth-local-credentials-file", "/users.txt",
            "--auth-local-mechanism", " scram-sha-256 , Plain,SCRAM-SHA-256,", "--auth-local-timeout", "1m30s");

        Assert.Empty(options.ConfigurationProblems);
        Assert.Equal(("127.0.0.2", "proxy.example", 30000, true, 16), (options.DynamicListeners.BindAddress, options.DynamicListeners.AdvertisedHost, options.DynamicListeners.SequentialMinPort, options.DynamicListeners.Deterministic, options.DynamicListeners.MaxListeners));
        Assert.Equal("b3:9092,elsewhere:9092", Assert.Single(options.ExternalServers).ToString());
        Assert.Equal("b1:9092,10.1.1.1:9092", Assert.Single(options.DialAddresses).ToString());
        Assert.Equal((65536, 131072, TimeSpan.FromSeconds(30)), (options.ListenerSockets.ReceiveBufferSize, options.ListenerSockets.SendBufferSize, options.ListenerSockets.KeepAlive));
        Assert.Equal((1024, 2048, TimeSpan.Zero), (options.UpstreamSockets.ReceiveBufferSize, options.UpstreamSockets.SendBufferSize, options.UpstreamSockets.KeepAlive));
        Assert.Equal((64, 1048576), (options.MaxInFlightRequests, options.MaxFrameSize));
        Assert.Equal((TimeSpan.FromMinutes(6), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(45)), (options.UpstreamReadTimeout, options.WriteTimeout, options.DrainTimeout));
        var clientTls = options.ClientTls;
        Assert.Equal((true, "/s.pem", "/s.key", "kpw", "/clients.pem"), (clientTls.Enabled, clientTls.CertFile, clientTls.KeyFile, clientTls.KeyPassword, clientTls.ClientCaChainCertFile));
        var tls = options.UpstreamTls;
        Assert.Equal((true, "/ca.pem", true, "/c.pem", "/c.key", "kafka.example", true), (tls.Enabled, tls.CaChainCertFile, tls.UseSystemTrustStore, tls.ClientCertFile, tls.ClientKeyFile, tls.ServerName, tls.InsecureSkipVerify));
        var sasl = options.UpstreamSasl;
        Assert.Equal(("SCRAM-SHA-512", "app", "/jaas.conf", (short)0), (sasl.Mechanism, sasl.Username, sasl.JaasConfigFile, sasl.HandshakeVersion));
        var auth = options.ClientAuth;
        Assert.Equal((true, "/users.txt", TimeSpan.FromSeconds(90)), (auth.Enabled, auth.CredentialsFile, auth.Timeout));
        Assert.Equal(["SCRAM-SHA-256", "PLAIN"], auth.Mechanisms);
    }

    [Theory]
    [InlineData("--kafka-dial-timeout=10", "KafkaProxy:DialTimeout: '10' is not a duration")]
    [InlineData("--max-connections=seven", "KafkaProxy:MaxConnections: 'seven' is not a whole number")]
    [InlineData("--bootstrap-server-mapping=b1", "KafkaProxy:Brokers: 'b1' must be")]
    [InlineData("--forbidden-api-keys=20,Nope", "KafkaProxy:ForbiddenApiKeys: 'Nope' is not an api key")]
    [InlineData("--auth-local-timeout=10", "KafkaProxy:ClientAuth:Timeout: '10' is not a duration")]
    public void Bind_MalformedValue_IsReportedUnderTheKeyOfTheFlagThatSetIt(string arg, string expected)
    {
        var line = ServerCommandLine.Parse([arg], NoEnvironment);

        string problem = Assert.Single(Bind(line).ConfigurationProblems);

        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
        Assert.Equal(arg.Split('=')[0], line.FlagFor(problem.Split(": ")[0]));
    }

    [Theory]
    [InlineData("--auth-local-enable --auth-local-mechanism SCRAM-SHA-512,GSSAPI", "KafkaProxy:ClientAuth:Mechanisms is 'SCRAM-SHA-512,GSSAPI'")]
    [InlineData("--sasl-enable --sasl-username app --sasl-password pw --sasl-method GSSAPI", "KafkaProxy:UpstreamSasl:Mechanism is 'GSSAPI'")]
    public void Validate_UnknownMechanism_NamesTheKeyOfTheFlag(string args, string expected)
    {
        var line = ServerCommandLine.Parse([.. args.Split(' '), "--bootstrap-server-mapping", "b1:9092,127.0.0.1:19092"], NoEnvironment);

        var result = new KafkaProxyOptionsValidator().Validate(null, Bind(line));

        string failure = Assert.Single(result.Failures!, f => f.StartsWith(expected, StringComparison.Ordinal));
        Assert.Equal(args.Split(' ')[^2], line.FlagFor(failure.Split(" is ")[0]));
    }
}
