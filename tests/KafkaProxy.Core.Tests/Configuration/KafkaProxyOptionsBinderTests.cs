using System.Text;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Configuration.Binding;
using Microsoft.Extensions.Configuration;

namespace KafkaProxy.Core.Tests.Configuration;

public sealed class KafkaProxyOptionsBinderTests
{
    private static (KafkaProxyOptions Options, IReadOnlyList<string> Failures) BindJson(string json)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        return Bind(configuration.GetSection("KafkaProxy"));
    }

    private static (KafkaProxyOptions Options, IReadOnlyList<string> Failures) Bind(IConfiguration section)
    {
        var options = new KafkaProxyOptions();
        KafkaProxyOptionsBinder.Bind(section, options);
        var result = new KafkaProxyOptionsValidator().Validate(null, options);
        return (options, result.Failed ? [.. result.Failures] : []);
    }

    [Fact]
    public void Bind_BrokersAsObjects_BindsHostsAndValidates()
    {
        var (options, failures) = BindJson("""{"KafkaProxy":{"Brokers":[{"Upstream":"b1:9092","Listen":"127.0.0.1:32400"},{"Upstream":"b2:9092","Listen":"127.0.0.1:0","Advertised":"proxy.example:9093"}]}}""");

        Assert.Empty(failures);
        Assert.Equal(["b1:9092,127.0.0.1:32400", "b2:9092,127.0.0.1:0,proxy.example:9093"], options.Brokers.Select(b => b.ToString()));
    }

    [Fact]
    public void Bind_BrokersAsFlagText_BindsLikeTheFlag()
    {
        var (options, failures) = BindJson("""{"KafkaProxy":{"Brokers":["broker-1:9092,127.0.0.1:19092","[::1]:9093,[::1]:0,[2001:db8::1]:9"]}}""");

        Assert.Empty(failures);
        Assert.Equal(new HostPort("broker-1", 9092), options.Brokers[0].Upstream);
        Assert.Equal(new HostPort("2001:db8::1", 9), options.Brokers[1].Advertised);
    }

    [Fact]
    public void Bind_SniAndNodePortsAsFlagText_BindEverySetting()
    {
        var (options, _) = BindJson("""
            {"KafkaProxy":{
              "Sni":{"ListenerAddress":"0.0.0.0:9092","BootstrapHost":"bootstrap.kafka.example.com","HostPattern":"broker-$(nodeId).kafka.example.com",
                     "AdvertisedPort":"443","UpstreamBootstrapServers":"b1:9092, b2:9093"},
              "NodePorts":{"Base":"19000","AdvertisedHost":"proxy.example","ListenHost":"0.0.0.0","NodeIdMax":"99"}}}
            """);

        Assert.Equal(new HostPort("0.0.0.0", 9092), options.Sni.ListenerAddress);
        Assert.Equal(("bootstrap.kafka.example.com", "broker-$(nodeId).kafka.example.com", 443), (options.Sni.BootstrapHost, options.Sni.HostPattern, options.Sni.AdvertisedPort));
        Assert.Equal([new HostPort("b1", 9092), new HostPort("b2", 9093)], options.Sni.UpstreamBootstrapServers);
        Assert.Equal((19000, "proxy.example", "0.0.0.0", (int?)99), (options.NodePorts.Base, options.NodePorts.AdvertisedHost, options.NodePorts.ListenHost, options.NodePorts.NodeIdMax));
    }

    [Fact]
    public void Bind_ListAsOneValue_ReplacesItemsOfAnotherSource()
    {
        // The file maps two brokers; a flag (one value, items separated by ';') maps one: the flag's list wins whole.
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream("""{"KafkaProxy":{"Brokers":["a:1,127.0.0.1:0","b:1,127.0.0.1:0"],"ForbiddenApiKeys":[1,2,3]}}"""u8.ToArray()))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["KafkaProxy:Brokers"] = "c:1,127.0.0.1:0;d:1,127.0.0.1:0", ["KafkaProxy:ForbiddenApiKeys"] = "19,20" })
            .Build();

        var (options, failures) = Bind(configuration.GetSection("KafkaProxy"));

        Assert.Empty(failures);
        Assert.Equal(["c:1", "d:1"], options.Brokers.Select(b => b.Upstream.ToString()));
        Assert.Equal(new short[] { 19, 20 }, options.ForbiddenApiKeys);
    }

    [Fact]
    public void Bind_EmptyListInOneFileAndItemsInAnother_TakesTheItems()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream("""{"KafkaProxy":{"Brokers":["b:1,127.0.0.1:0"],"ForbiddenApiKeys":[]}}"""u8.ToArray()))
            .AddJsonStream(new MemoryStream("""{"KafkaProxy":{"ForbiddenApiKeys":[19,20]}}"""u8.ToArray()))
            .Build();

        var (options, failures) = Bind(configuration.GetSection("KafkaProxy"));

        Assert.Empty(failures);
        Assert.Equal(new short[] { 19, 20 }, options.ForbiddenApiKeys);
    }

    [Fact]
    public void Bind_ForbiddenApiKeysAsNumbersOrNames_AllBind()
    {
        var (options, failures) = BindJson("""{"KafkaProxy":{"Brokers":["b:1,127.0.0.1:0"],"ForbiddenApiKeys":[19,"DeleteTopics","37,38"]}}""");

        Assert.Empty(failures);
        Assert.Equal(new short[] { 19, 20, 37, 38 }, options.ForbiddenApiKeys);
    }

    [Theory]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("250ms", 250)]
    [InlineData("0", 0)]
    [InlineData("-1.5s", -1_500)]
    [InlineData("00:05:00", 300_000)]
    [InlineData("1.00:00:00", 86_400_000)]
    public void Bind_DurationsGoStyleOrTimeSpan_Bind(string text, long milliseconds)
    {
        var (options, failures) = BindJson("""{"KafkaProxy":{"Brokers":["b:1,127.0.0.1:0"],"IdleTimeout":"TEXT","ClientAuth":{"Timeout":"TEXT"}}}""".Replace("TEXT", text, StringComparison.Ordinal));

        Assert.DoesNotContain(failures, f => f.Contains("is not a duration", StringComparison.Ordinal));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), options.IdleTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), options.ClientAuth.Timeout);
    }

    [Theory]
    [InlineData("""{"IdleTimeout":"5x"}""", "KafkaProxy:IdleTimeout: '5x' is not a duration such as 500ms, 15s, 5m, 1h30m or 00:05:00.")]
    [InlineData("""{"IdleTimeout":"m5"}""", "KafkaProxy:IdleTimeout: 'm5' is not a duration")]
    [InlineData("""{"IdleTimeout":"-"}""", "KafkaProxy:IdleTimeout: '-' is not a duration")]
    [InlineData("""{"IdleTimeout":"5"}""", "KafkaProxy:IdleTimeout: '5' is not a duration")]
    [InlineData("""{"MaxConnections":"lots"}""", "KafkaProxy:MaxConnections: 'lots' is not a whole number.")]
    [InlineData("""{"ClientTls":{"Enabled":"yes"}}""", "KafkaProxy:ClientTls:Enabled: 'yes' is not true or false.")]
    [InlineData("""{"ForwardInKernel":"off"}""", "KafkaProxy:ForwardInKernel: 'off' is not true or false.")]
    [InlineData("""{"Brokers":["onlyhost"]}""", "KafkaProxy:Brokers:0: 'onlyhost' must be 'broker:port,local:port'")]
    [InlineData("""{"Brokers":[{"Listen":"127.0.0.1:0"}]}""", "KafkaProxy:Brokers:0:Upstream: is missing: give the broker's address")]
    [InlineData("""{"Brokers":[{"Upstream":"b:x","Listen":"127.0.0.1:0"}]}""", "KafkaProxy:Brokers:0:Upstream: 'b:x' has port 'x'")]
    [InlineData("""{"DialAddresses":[{"From":"b:1"}]}""", "KafkaProxy:DialAddresses:0:To: is missing")]
    [InlineData("""{"ForbiddenApiKeys":["NoSuchApi"]}""", "KafkaProxy:ForbiddenApiKeys: 'NoSuchApi' is not an api key")]
    [InlineData("""{"ForbiddenApiKeys":[-1]}""", "KafkaProxy:ForbiddenApiKeys: '-1' is not an api key")]
    [InlineData("""{"Tracing":{"ApiKeys":["Produce","Fetsh"]}}""", "KafkaProxy:Tracing:ApiKeys: 'Fetsh' is not an api key: give numbers from 0 to 32767 or names such as Produce, for example [Produce, Fetch, 19].")]
    [InlineData("""{"IdelTimeout":"5m"}""", "KafkaProxy:IdelTimeout is not a setting: remove it or correct its name. Did you mean KafkaProxy:IdleTimeout?")]
    [InlineData("""{"ClientTls":{"CertFiel":"x"}}""", "KafkaProxy:ClientTls:CertFiel is not a setting: remove it or correct its name. Did you mean KafkaProxy:ClientTls:CertFile?")]
    [InlineData("""{"Brokers":[{"Upstream":"b:1","Listen":"127.0.0.1:0","Advertized":"x:1"}]}""", "KafkaProxy:Brokers:0:Advertized is not a setting")]
    [InlineData("""{"Sni":{"ListenerAddress":"9092"}}""", "KafkaProxy:Sni:ListenerAddress: '9092'")]
    [InlineData("""{"Sni":{"UpstreamBootstrapServers":"b1:9092,b2"}}""", "KafkaProxy:Sni:UpstreamBootstrapServers: 'b2'")]
    [InlineData("""{"NodePorts":{"NodeIdMax":"many"}}""", "KafkaProxy:NodePorts:NodeIdMax: 'many' is not a whole number.")]
    [InlineData("""{"Frobnicate":true}""", "KafkaProxy:Frobnicate is not a setting: remove it or correct its name.")]
    [InlineData("""{"IdleTimeout":{"Value":"5m"}}""", "KafkaProxy:IdleTimeout: give a single value here, not a section or a list.")]
    public void Bind_BadValueOrKey_FailsNamingTheKey(string section, string expected)
    {
        var (_, failures) = BindJson("""{"KafkaProxy":SECTION}""".Replace("SECTION", section, StringComparison.Ordinal));

        Assert.Contains(failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_SectionsOfOtherComponents_AreNotUnknownKeys()
    {
        var (_, failures) = BindJson("""{"KafkaProxy":{"Brokers":["b:1,127.0.0.1:0"],"Flusher":{"BatchSize":5},"HttpPush":{"Token":"t"},"Http":{"Enabled":false}}}""");

        Assert.Empty(failures);
    }

    [Fact]
    public void Bind_EmptyListInFile_ClearsTheDefault()
    {
        var (options, _) = BindJson("""{"KafkaProxy":{"ClientAuth":{"Mechanisms":[]},"DynamicListeners":{}}}""");

        Assert.Empty(options.ClientAuth.Mechanisms);
    }

    [Fact]
    public void Bind_EverySetting_FromOneFile()
    {
        var (o, failures) = BindJson("""
            {"KafkaProxy":{
              "Brokers":["b1:9092,127.0.0.1:0"], "ExternalServers":[{"From":"b2:9092","To":"ext:1"}], "DialAddresses":["b1:9092,10.0.0.1:9092"],
              "ForbiddenApiKeys":"19, 20", "MaxFrameSize":1000, "MaxInFlightRequests":7, "MaxConnections":9, "ForwardInKernel":false,
              "DialTimeout":"2s", "UpstreamReadTimeout":"3s", "WriteTimeout":"4s", "IdleTimeout":"5s", "DrainTimeout":"6s",
              "DynamicListeners":{"Enabled":false,"BindAddress":"127.0.0.2","AdvertisedHost":"h","SequentialMinPort":30000,"Deterministic":true},
              "ListenerSockets":{"ReceiveBufferSize":1,"SendBufferSize":2,"KeepAlive":"7s"},
              "UpstreamSockets":{"ReceiveBufferSize":3,"SendBufferSize":4,"KeepAlive":"0"},
              "ClientTls":{"Enabled":false,"CertFile":"c","KeyFile":"k","KeyPassword":"p","ClientCaChainCertFile":"ca","HandshakeTimeout":"8s"},
              "ClientAuth":{"Enabled":false,"CredentialsFile":"u","Mechanisms":"scram-sha-256,PLAIN","Timeout":"9s"},
              "UpstreamTls":{"Enabled":false,"CaChainCertFile":"a","UseSystemTrustStore":true,"ClientCertFile":"cc","ClientKeyFile":"ck","ClientKeyPassword":"cp","ServerName":"sn","InsecureSkipVerify":true,"HandshakeTimeout":"10s"},
              "UpstreamSasl":{"Enabled":false,"Mechanism":"scram-sha-512","Username":"u","Password":"pw","JaasConfigFile":"j","HandshakeVersion":0,"Timeout":"11s","ReauthenticateAt":0.5}
            }}
            """);

        Assert.Empty(failures);
        Assert.Equal("ext:1", o.ExternalServers[0].To.ToString());
        Assert.Equal("10.0.0.1:9092", o.DialAddresses[0].To.ToString());
        Assert.Equal(new short[] { 19, 20 }, o.ForbiddenApiKeys);
        Assert.Equal((1000, 7, 9), (o.MaxFrameSize, o.MaxInFlightRequests, o.MaxConnections));
        Assert.False(o.ForwardInKernel);
        Assert.Equal([2, 3, 4, 5, 6], new[] { o.DialTimeout, o.UpstreamReadTimeout, o.WriteTimeout, o.IdleTimeout, o.DrainTimeout }.Select(t => (int)t.TotalSeconds));
        Assert.Equal((false, "127.0.0.2", "h", 30000, true), (o.DynamicListeners.Enabled, o.DynamicListeners.BindAddress, o.DynamicListeners.AdvertisedHost, o.DynamicListeners.SequentialMinPort, o.DynamicListeners.Deterministic));
        Assert.Equal((1, 2, TimeSpan.FromSeconds(7)), (o.ListenerSockets.ReceiveBufferSize, o.ListenerSockets.SendBufferSize, o.ListenerSockets.KeepAlive));
        Assert.Equal((3, 4, TimeSpan.Zero), (o.UpstreamSockets.ReceiveBufferSize, o.UpstreamSockets.SendBufferSize, o.UpstreamSockets.KeepAlive));
        Assert.Equal(("c", "k", "p", "ca", TimeSpan.FromSeconds(8)), (o.ClientTls.CertFile, o.ClientTls.KeyFile, o.ClientTls.KeyPassword, o.ClientTls.ClientCaChainCertFile, o.ClientTls.HandshakeTimeout));
        Assert.Equal(("u", TimeSpan.FromSeconds(9)), (o.ClientAuth.CredentialsFile, o.ClientAuth.Timeout));
        Assert.Equal(["SCRAM-SHA-256", "PLAIN"], o.ClientAuth.Mechanisms);
        Assert.Equal(("a", true, "cc", "ck", "cp", "sn", true, TimeSpan.FromSeconds(10)), (o.UpstreamTls.CaChainCertFile, o.UpstreamTls.UseSystemTrustStore, o.UpstreamTls.ClientCertFile, o.UpstreamTls.ClientKeyFile, o.UpstreamTls.ClientKeyPassword, o.UpstreamTls.ServerName, o.UpstreamTls.InsecureSkipVerify, o.UpstreamTls.HandshakeTimeout));
        Assert.Equal(("SCRAM-SHA-512", "u", "pw", "j", (short)0, TimeSpan.FromSeconds(11), 0.5), (o.UpstreamSasl.Mechanism, o.UpstreamSasl.Username, o.UpstreamSasl.Password, o.UpstreamSasl.JaasConfigFile, o.UpstreamSasl.HandshakeVersion, o.UpstreamSasl.Timeout, o.UpstreamSasl.ReauthenticateAt));
    }

    [Fact]
    public void Keys_ListEverySettingOnce()
    {
        var keys = KafkaProxyOptionsBinder.Keys();

        Assert.Equal(keys.Count, keys.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains("Brokers", keys);
        Assert.Contains("UpstreamSasl:ReauthenticateAt", keys);
        Assert.DoesNotContain(keys, k => k.Contains(":0", StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_SetInCode_MessagesNameTheDefaultSection()
    {
        var options = new KafkaProxyOptions { IdleTimeout = TimeSpan.FromSeconds(-1) };

        var result = new KafkaProxyOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, f => f.StartsWith("KafkaProxy:IdleTimeout is -00:00:01", StringComparison.Ordinal));
    }
}
