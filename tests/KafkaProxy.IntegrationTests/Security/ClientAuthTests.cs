using System.Buffers.Binary;
using System.Text;
using Confluent.Kafka;
using KafkaProxy.Core.Security;
using KafkaProxy.Core.Security.ClientAuth;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Protocol.Messages.ApiVersions;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.IntegrationTests.Security;

/// <summary>
/// Clients authenticating at the proxy (KafkaProxy:ClientAuth:Enabled) with real clients: Confluent.Kafka, kcat and kafka-python
/// as SASL clients of the proxy, which checks them against its credentials file and then forwards to a cluster without SASL.
/// </summary>
public sealed class ClientAuthTests
{
    [Theory]
    [InlineData("PLAIN")]
    [InlineData("SCRAM-SHA-256")]
    [InlineData("SCRAM-SHA-512")]
    public async Task ConfluentClient_AuthenticatesWithEachMechanism_ProducesAndConsumesThroughEveryBrokersListener(string mechanism)
    {
        await using var proxy = await AuthenticatingProxy.StartAsync();
        proxy.Cluster.CreateTopic("authed", partitions: 3);

        using (var producer = Clients.Producer(proxy.Bootstrap, tune: c => AuthenticatingProxy.Authenticate(c, mechanism)))
        {
            Clients.ProduceNumbered(producer, "authed", 300);
        }

        var consumerConfig = new ConsumerConfig { BootstrapServers = proxy.Bootstrap, GroupId = "authed-readers", AutoOffsetReset = AutoOffsetReset.Earliest };
        AuthenticatingProxy.Authenticate(consumerConfig, mechanism);
        using var consumer = new ConsumerBuilder<string, string>(consumerConfig).Build();
        consumer.Subscribe("authed");
        Assert.Equal(300, Clients.Consume(consumer, 300).Select(r => r.Message.Value).Distinct().Count());
        consumer.Close();

        // Partitions on all three brokers: the dynamic listeners demand authentication too.
        Assert.Equal(3, proxy.Engine.Listeners.Count);
        Assert.True(proxy.Metrics.Sum("proxy_client_authentications_total", ("mechanism", mechanism)) >= 3, proxy.Logs.ToString());
        Assert.Contains(proxy.Logs.Lines, l => l.StartsWith("Information 2007 ", StringComparison.Ordinal) && l.Contains($"authenticated as 'app' with {mechanism}", StringComparison.Ordinal));
        Assert.Equal(0, proxy.Metrics.Sum("proxy_client_security_failures_total"));
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("SCRAM-SHA-256")]
    [InlineData("SCRAM-SHA-512")]
    public async Task Kcat_AuthenticatesWithEachMechanism_RoundTripsEveryLine(string mechanism)
    {
        await using var proxy = await AuthenticatingProxy.StartAsync();
        proxy.Cluster.CreateTopic("lines", partitions: 3);
        var lines = Enumerable.Range(0, 200).Select(i => $"line-{i}").ToList();

        var produce = await ExternalProcess.RunAsync("kcat", ["-P", "-b", proxy.Bootstrap, "-t", "lines", "-X", "acks=all", .. AuthenticatingProxy.KcatSasl(mechanism)], Clients.Patience, string.Join('\n', lines) + "\n");
        var consume = await ExternalProcess.RunAsync("kcat", ["-C", "-b", proxy.Bootstrap, "-t", "lines", "-o", "beginning", "-e", "-q", .. AuthenticatingProxy.KcatSasl(mechanism)], Clients.Patience);

        Assert.True(produce.ExitCode == 0, produce.ToString());
        Assert.True(consume.ExitCode == 0, consume.ToString());
        Assert.Equal(lines.Order(), consume.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Fact]
    public async Task KafkaPython_AuthenticatesWithEachMechanism_ProducesAndConsumes()
    {
        await using var proxy = await AuthenticatingProxy.StartAsync();
        proxy.Cluster.CreateTopic("py", partitions: 2);
        const string script = """
            import sys
            from kafka import KafkaProducer, KafkaConsumer
            bootstrap, user, password = sys.argv[1:4]
            for mechanism in ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']:
                sasl = dict(security_protocol='SASL_PLAINTEXT', sasl_mechanism=mechanism, sasl_plain_username=user, sasl_plain_password=password)
                producer = KafkaProducer(bootstrap_servers=bootstrap, acks='all', api_version_auto_timeout_ms=10000, **sasl)
                for i in range(50):
                    producer.send('py', value=('%s-%d' % (mechanism, i)).encode())
                producer.flush(30)
                producer.close()
                consumer = KafkaConsumer('py', bootstrap_servers=bootstrap, group_id='g-' + mechanism, auto_offset_reset='earliest', consumer_timeout_ms=8000, session_timeout_ms=6000, **sasl)
                values = set(m.value.decode() for m in consumer)
                consumer.close()
                print('COUNT', mechanism, len([v for v in values if v.startswith(mechanism + '-')]))
            """;

        var result = await ExternalProcess.RunAsync("/usr/bin/python3", ["-c", script, proxy.Bootstrap, AuthenticatingProxy.User, AuthenticatingProxy.Password], TimeSpan.FromSeconds(120));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("COUNT PLAIN 50", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("COUNT SCRAM-SHA-256 50", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("COUNT SCRAM-SHA-512 50", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PLAIN", AuthenticatingProxy.User, "wrong-SECRET-a71c0e", "wrong password for user 'app'")]
    [InlineData("SCRAM-SHA-512", AuthenticatingProxy.User, "wrong-SECRET-a71c0e", "wrong password for user 'app'")]
    [InlineData("SCRAM-SHA-256", "mallory", AuthenticatingProxy.Password, "user 'mallory' has no SCRAM-SHA-256 line")]
    [InlineData("PLAIN", "mallory", AuthenticatingProxy.Password, "user 'mallory' is not in the credentials file")]
    public async Task Kcat_WrongCredentials_IsRefusedWithoutSayingWhichPartWasWrong_AndNothingIsProduced(string mechanism, string user, string password, string logged)
    {
        await using var proxy = await AuthenticatingProxy.StartAsync(brokers: 1);
        proxy.Cluster.CreateTopic("guarded", partitions: 1);

        var produce = await ExternalProcess.RunAsync("kcat", ["-P", "-b", proxy.Bootstrap, "-t", "guarded", "-m", "5", "-X", "message.timeout.ms=5000", .. AuthenticatingProxy.KcatSasl(mechanism, user, password)], Clients.Patience, "must-not-arrive\n");

        Assert.NotEqual(0, produce.ExitCode);
        Assert.Contains(ClientAuthRefusedException.InvalidCredentials, produce.StandardError, StringComparison.Ordinal);
        string line = await proxy.WaitForLogAsync(logged);
        Assert.StartsWith("Warning 2008 ", line, StringComparison.Ordinal);
        Assert.True(proxy.Metrics.Sum("proxy_client_security_failures_total", ("stage", "client_auth")) >= 1);
        Assert.Equal(0, proxy.Metrics.Sum("proxy_client_authentications_total"));
        Assert.Empty(proxy.ReadDirectly("guarded", expected: 1, TimeSpan.FromSeconds(3)));
        Assert.DoesNotContain(proxy.Logs.Lines, l => l.Contains(password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfluentClient_WrongPassword_ProduceFailsWithAnAuthenticationError()
    {
        await using var proxy = await AuthenticatingProxy.StartAsync(brokers: 1);
        proxy.Cluster.CreateTopic("guarded", partitions: 1);
        using var producer = Clients.Producer(proxy.Bootstrap, tune: c =>
        {
            AuthenticatingProxy.Authenticate(c, "SCRAM-SHA-256", password: "wrong-SECRET-3e88f1");
            c.MessageTimeoutMs = 5000;
        });

        var error = await Assert.ThrowsAsync<ProduceException<string, string>>(() => producer.ProduceAsync("guarded", new Message<string, string> { Key = "k", Value = "v" }));

        Assert.True(error.Error.Code is ErrorCode.SaslAuthenticationFailed or ErrorCode.Local_Authentication or ErrorCode.Local_MsgTimedOut, error.Error.ToString());
        await proxy.WaitForLogAsync("wrong password for user 'app'");
        Assert.Empty(proxy.ReadDirectly("guarded", expected: 1, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Kcat_WithoutSasl_CannotProduce_AndTheLogSaysHowToConfigureTheClient()
    {
        await using var proxy = await AuthenticatingProxy.StartAsync(brokers: 1);
        proxy.Cluster.CreateTopic("guarded", partitions: 1);

        var produce = await ExternalProcess.RunAsync("kcat", ["-P", "-b", proxy.Bootstrap, "-t", "guarded", "-m", "5", "-X", "message.timeout.ms=5000"], Clients.Patience, "must-not-arrive\n");

        Assert.NotEqual(0, produce.ExitCode);
        string line = await proxy.WaitForLogAsync("before authenticating");
        Assert.Contains("security.protocol=SASL_PLAINTEXT", line, StringComparison.Ordinal);
        Assert.True(proxy.Metrics.Sum("proxy_requests_refused_total", ("reason", "unauthenticated")) >= 1);
        Assert.Empty(proxy.ReadDirectly("guarded", expected: 1, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task RawClient_ApiVersionsBeforeAuthentication_ListsTheSaslApis_ThenAProduceRequestClosesTheConnection()
    {
        await using var proxy = await AuthenticatingProxy.StartAsync(brokers: 1);
        await using var client = await RawKafkaClient.ConnectAsync(proxy.Listener.Host, proxy.Listener.Port);

        byte[] body = await client.SendAsync(18, 2, flexible: false, _ => { });
        var reader = new KafkaReader(new System.Buffers.ReadOnlySequence<byte>(body), 18, 2);
        var versions = ApiVersionsResponse.Read(ref reader, 2);
        Assert.Equal(0, versions.ErrorCode);
        Assert.Contains(versions.ApiKeys, k => k is { ApiKey: 17, MinVersion: 0, MaxVersion: 1 });
        Assert.Contains(versions.ApiKeys, k => k is { ApiKey: 36, MinVersion: 0, MaxVersion: 2 });
        Assert.Contains(versions.ApiKeys, k => k.ApiKey == 0); // the broker's own list is kept

        // Produce v3 with acks=1 and no topics: refused before it reaches the broker.
        var refused = await Record.ExceptionAsync(() => client.SendAsync(0, 3, flexible: false, w =>
        {
            w.WriteString((string?)null, compact: false);
            w.WriteInt16(1);
            w.WriteInt32(1000);
            w.WriteInt32(0);
        }));
        Assert.True(refused is EndOfStreamException or IOException, $"expected a closed connection, got {refused?.ToString() ?? "an answer"}");
        string line = await proxy.WaitForLogAsync("the client sent Produce (api key 0) before authenticating");
        Assert.StartsWith("Warning 2008 ", line, StringComparison.Ordinal);
        Assert.Equal(1, proxy.Metrics.Sum("proxy_requests_refused_total", ("api_key", "0"), ("reason", "unauthenticated")));
    }

    [Fact]
    public async Task RawClient_LargeFrameBeforeAuthentication_IsRefusedBeforeItIsRead()
    {
        await using var proxy = await AuthenticatingProxy.StartAsync(brokers: 1);
        await using var client = await RawKafkaClient.ConnectAsync(proxy.Listener.Host, proxy.Listener.Port);
        var prefix = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, 1024 * 1024);

        await client.Stream.WriteAsync(prefix);
        int read = await client.Stream.ReadAsync(new byte[1]).AsTask().WaitAsync(Clients.Patience);

        Assert.Equal(0, read);
        string line = await proxy.WaitForLogAsync("the client sent a frame of 1048576 bytes during client authentication");
        Assert.Contains("8192", line, StringComparison.Ordinal);
        Assert.Equal(1, proxy.Metrics.Sum("proxy_client_security_failures_total", ("stage", "client_auth")));
    }

    [Fact]
    public async Task RawClient_HandshakeV0WithARawPlainToken_IsAuthenticated_ThenASecondHandshakeIsRefused()
    {
        await using var proxy = await AuthenticatingProxy.StartAsync(brokers: 1);
        await using var client = await RawKafkaClient.ConnectAsync(proxy.Listener.Host, proxy.Listener.Port);

        byte[] handshake = await client.SendAsync(17, 0, flexible: false, w => w.WriteString("PLAIN", compact: false));
        Assert.Equal(0, BinaryPrimitives.ReadInt16BigEndian(handshake));
        byte[] token = Encoding.UTF8.GetBytes($"\0{AuthenticatingProxy.User}\0{AuthenticatingProxy.Password}");
        var frame = new byte[4 + token.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, token.Length);
        token.CopyTo(frame, 4);
        await client.Stream.WriteAsync(frame);
        var answer = new byte[4];
        await client.Stream.ReadExactlyAsync(answer).AsTask().WaitAsync(Clients.Patience);
        Assert.Equal(0, BinaryPrimitives.ReadInt32BigEndian(answer)); // PLAIN's empty server token

        byte[] metadata = await client.SendAsync(3, 1, flexible: false, w => w.WriteInt32(-1));
        Assert.NotEmpty(metadata);
        await proxy.WaitForLogAsync("authenticated as 'app' with PLAIN");

        var again = await Record.ExceptionAsync(() => client.SendAsync(17, 1, flexible: false, w => w.WriteString("PLAIN", compact: false)));
        Assert.True(again is EndOfStreamException or IOException, $"expected a closed connection, got {again?.ToString() ?? "an answer"}");
        Assert.Equal(1, proxy.Metrics.Sum("proxy_requests_refused_total", ("api_key", "17"), ("reason", "reauthentication")));
    }

    [Fact]
    public async Task Kcat_MechanismTheProxyDoesNotOffer_IsToldWhichItOffers()
    {
        await using var proxy = await AuthenticatingProxy.StartAsync(o =>
        {
            o.ClientAuth.Mechanisms.Clear();
            o.ClientAuth.Mechanisms.Add("SCRAM-SHA-512");
        }, brokers: 1);

        var listing = await ExternalProcess.RunAsync("kcat", ["-L", "-b", proxy.Bootstrap, "-m", "5", .. AuthenticatingProxy.KcatSasl("PLAIN")], Clients.Patience);

        Assert.NotEqual(0, listing.ExitCode);
        Assert.Contains("SCRAM-SHA-512", listing.StandardError, StringComparison.Ordinal);
        string line = await proxy.WaitForLogAsync("the client asked for SASL mechanism 'PLAIN'");
        Assert.Contains("the proxy offers SCRAM-SHA-512", line, StringComparison.Ordinal);
        Assert.DoesNotContain(proxy.Logs.Lines, l => l.StartsWith("Warning 2006 ", StringComparison.Ordinal)); // PLAIN not offered: no clear-text warning
    }

    [Fact]
    public async Task CredentialsFile_UserAddedWhileRunning_AuthenticatesWithoutARestart_AndABrokenFileKeepsTheOldUsers()
    {
        await using var proxy = await AuthenticatingProxy.StartAsync(brokers: 1);
        Assert.Contains(proxy.Logs.Lines, l => l.StartsWith("Information 2005 ", StringComparison.Ordinal) && l.Contains("1 users", StringComparison.Ordinal));
        Assert.Contains(proxy.Logs.Lines, l => l.StartsWith("Warning 2006 ", StringComparison.Ordinal)); // PLAIN offered without client TLS
        Assert.DoesNotContain(proxy.Logs.Lines, l => l.StartsWith("Warning 2002 ", StringComparison.Ordinal)); // the file is 600

        await File.AppendAllLinesAsync(proxy.CredentialsFile, [ClientCredentialFile.CreateLine("late-user", "late-SECRET-0b7d", iterations: 4096)]);
        File.SetLastWriteTimeUtc(proxy.CredentialsFile, DateTime.UtcNow.AddMinutes(1));
        await ConnectUntilLoggedAsync(proxy, "2 users loaded");
        Assert.Equal(0, (await KcatListAsync(proxy, "late-user", "late-SECRET-0b7d")).ExitCode);

        await File.AppendAllLinesAsync(proxy.CredentialsFile, ["broken line"]);
        File.SetLastWriteTimeUtc(proxy.CredentialsFile, DateTime.UtcNow.AddMinutes(2));
        string error = await ConnectUntilLoggedAsync(proxy, "the previous users stay in force");
        Assert.StartsWith("Error 2010 ", error, StringComparison.Ordinal);
        Assert.Contains("line 5: expected user:MECHANISM", error, StringComparison.Ordinal);
        Assert.Equal(0, (await KcatListAsync(proxy, "late-user", "late-SECRET-0b7d")).ExitCode);

        // Repaired with the broken file's own modification time (as cp -p or rsync -t may leave it): still loaded,
        // because a file that failed is tried again until it loads.
        var brokenAt = File.GetLastWriteTimeUtc(proxy.CredentialsFile);
        string[] repaired = [.. File.ReadAllLines(proxy.CredentialsFile).Where(l => l != "broken line"), ClientCredentialFile.CreateLine("fixed-user", "fixed-SECRET-4c1e", iterations: 4096)];
        await File.WriteAllLinesAsync(proxy.CredentialsFile, repaired);
        File.SetLastWriteTimeUtc(proxy.CredentialsFile, brokenAt);
        await ConnectUntilLoggedAsync(proxy, "3 users loaded");
        Assert.Equal(0, (await KcatListAsync(proxy, "fixed-user", "fixed-SECRET-4c1e")).ExitCode);
        Assert.Single(proxy.Logs.Lines, l => l.StartsWith("Error 2010 ", StringComparison.Ordinal)); // one line per reason, not one a second
    }

    [Fact]
    public async Task SilentClient_IsClosedAfterTheAuthenticationTimeout()
    {
        await using var proxy = await AuthenticatingProxy.StartAsync(o => o.ClientAuth.Timeout = TimeSpan.FromMilliseconds(500), brokers: 1);
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(proxy.Listener.Host, proxy.Listener.Port);

        int read = await socket.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(Clients.Patience);

        Assert.Equal(0, read);
        await proxy.WaitForLogAsync("did not finish authenticating within 00:00:00.5000000 (KafkaProxy:ClientAuth:Timeout)");
    }

    private static Task<ExternalProcess> KcatListAsync(AuthenticatingProxy proxy, string user, string password) =>
        ExternalProcess.RunAsync("kcat", ["-L", "-b", proxy.Bootstrap, "-m", "5", .. AuthenticatingProxy.KcatSasl("SCRAM-SHA-512", user, password)], Clients.Patience);

    // The file is looked at when a client authenticates, at most once a second: connect until the reload is logged.
    private static async Task<string> ConnectUntilLoggedAsync(AuthenticatingProxy proxy, string text)
    {
        using var timeout = new CancellationTokenSource(Clients.Patience);
        while (!proxy.Logs.Lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            Assert.False(timeout.IsCancellationRequested, $"no log line with '{text}':\n{proxy.Logs}");
            await KcatListAsync(proxy, AuthenticatingProxy.User, AuthenticatingProxy.Password);
        }

        return proxy.Logs.Lines.First(l => l.Contains(text, StringComparison.Ordinal));
    }
}
