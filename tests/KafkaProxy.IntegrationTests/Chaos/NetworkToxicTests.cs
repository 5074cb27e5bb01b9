using System.Diagnostics;
using System.Net.Sockets;
using Confluent.Kafka;
using KafkaProxy.Testing.Chaos;

namespace KafkaProxy.IntegrationTests.Chaos;

/// <summary>
/// Toxiproxy's network toxics through the C# chaos proxy, each seen by a real socket or a Confluent.Kafka client, and
/// each followed by clients working again once it is removed. Times are asserted as lower bounds only.
/// </summary>
public sealed class NetworkToxicTests
{
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Latency_DownstreamOnTheLeader_EveryRoundTripTakesAtLeastIt_GoneAfterRemoval()
    {
        await using var rig = await ChaosRig.StartAsync();
        string topic = rig.TopicLedBy("slow", leader: 1);
        using var producer = Clients.Producer(rig.Chaos.BootstrapServers);
        await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "warm" }); // connections open

        var added = rig["broker-1"].AddToxic(ChaosToxic.Latency(Latency));

        Assert.Equal("latency_downstream", added.Name);
        var (_, raw) = await rig.RoundTripAsync("broker-1");
        Assert.True(raw >= Latency, $"an ApiVersions round trip took {raw}, less than the latency {Latency}");
        for (int i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = $"slow-{i}" }).WaitAsync(Clients.Patience);
            Assert.True(clock.Elapsed >= Latency, $"a produce through the open connection took {clock.Elapsed}, less than the latency {Latency}");
        }

        rig["broker-1"].RemoveToxic("latency_downstream");
        Assert.Empty(rig["broker-1"].Toxics);
        await rig.AssertClientsWorkAsync(topic);
    }

    [Fact]
    public async Task LimitData_Downstream_ClosesAfterExactlyThatManyBytes_ClientsWorkAfterRemoval()
    {
        await using var rig = await ChaosRig.StartAsync();
        string topic = rig.TopicLedBy("limited", leader: 1);
        var (full, _) = await rig.RoundTripAsync("broker-1");
        Assert.True(full.Length > 40, $"the ApiVersions response has {full.Length} bytes");

        rig["broker-1"].AddToxic(ChaosToxic.LimitData(40));
        using (var client = await rig.ConnectAsync("broker-1"))
        {
            await client.GetStream().WriteAsync(ChaosRig.ApiVersionsRequest(1));
            var (bytes, _, _) = await ChaosRig.ReadToEndAsync(client.GetStream());
            Assert.Equal(40, bytes);
        }

        rig["broker-1"].RemoveToxic("limit_data_downstream");
        await rig.AssertClientsWorkAsync(topic);
    }

    [Fact]
    public async Task ResetPeer_Upstream_TheClientSeesAReset_ClientsWorkAfterRemoval()
    {
        await using var rig = await ChaosRig.StartAsync();
        string topic = rig.TopicLedBy("reset", leader: 2);

        rig["broker-2"].AddToxic(ChaosToxic.ResetPeer(TimeSpan.Zero, ChaosDirection.Upstream));
        using (var client = await rig.ConnectAsync("broker-2"))
        {
            await client.GetStream().WriteAsync(ChaosRig.ApiVersionsRequest(1));
            var (_, _, error) = await ChaosRig.ReadToEndAsync(client.GetStream());
            Assert.Equal(SocketError.ConnectionReset, error);
        }

        rig["broker-2"].RemoveToxic("reset_peer_upstream");
        await rig.AssertClientsWorkAsync(topic);
    }

    [Fact]
    public async Task Timeout_HeldBroker_NothingComesBack_RemovalClosesTheConnection_ClientsWorkAfter()
    {
        await using var rig = await ChaosRig.StartAsync();
        string topic = rig.TopicLedBy("hung", leader: 1);
        rig["broker-1"].AddToxic(ChaosToxic.Timeout(TimeSpan.Zero));
        using var client = await rig.ConnectAsync("broker-1");
        var stream = client.GetStream();
        await stream.WriteAsync(ChaosRig.ApiVersionsRequest(1));
        var reading = ChaosRig.ReadToEndAsync(stream);

        // Held: no answer while the toxic is there (a second is a lower bound on the hang, not a limit on anything).
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(reading.IsCompleted, "the held connection answered or closed");

        rig["broker-1"].RemoveToxic("timeout_downstream");
        var (bytes, _, error) = await reading;
        Assert.True(error is null or SocketError.ConnectionReset, $"ended with {error}");
        Assert.Equal(0, bytes); // the response was dropped, as Toxiproxy drops it
        await rig.AssertClientsWorkAsync(topic);
    }

    [Fact]
    public async Task Timeout_WithATimeout_ClosesTheConnectionNoSoonerThanThat()
    {
        await using var rig = await ChaosRig.StartAsync();
        var timeout = TimeSpan.FromMilliseconds(500);
        rig["broker-3"].AddToxic(ChaosToxic.Timeout(timeout));
        using var client = await rig.ConnectAsync("broker-3");
        var clock = Stopwatch.StartNew();
        await client.GetStream().WriteAsync(ChaosRig.ApiVersionsRequest(1));

        var (bytes, _, _) = await ChaosRig.ReadToEndAsync(client.GetStream());

        Assert.Equal(0, bytes);
        Assert.True(clock.Elapsed >= timeout - TimeSpan.FromMilliseconds(20), $"closed after {clock.Elapsed}, before the timeout {timeout}");
    }

    [Fact]
    public async Task Timeout_OnEveryBroker_AProducerTimesOutProperly_AndRecoversAfterRemoval()
    {
        // The recipe "my service times out properly when a broker hangs".
        await using var rig = await ChaosRig.StartAsync();
        string topic = rig.TopicLedBy("hang", leader: 2);
        using var producer = Clients.Producer(rig.Chaos.BootstrapServers, tune: c => { c.MessageTimeoutMs = 2000; c.SocketTimeoutMs = 1000; });
        await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "before" });

        foreach (var broker in rig.Chaos.Proxies.Values)
        {
            broker.AddToxic(ChaosToxic.Timeout(TimeSpan.Zero));
        }

        var failure = await Assert.ThrowsAsync<ProduceException<string, string>>(
            () => producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "during" }).WaitAsync(Clients.Patience));
        Assert.Equal(ErrorCode.Local_MsgTimedOut, failure.Error.Code);

        rig.Chaos.Reset();
        var after = await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "after" }).WaitAsync(Clients.Patience);
        Assert.Equal(PersistenceStatus.Persisted, after.Status);
    }

    [Fact]
    public async Task Slicer_Downstream_TheResponseComesIntactInDelayedPieces()
    {
        await using var rig = await ChaosRig.StartAsync();
        string topic = rig.TopicLedBy("sliced", leader: 3);
        var (whole, _) = await rig.RoundTripAsync("broker-3");
        var delay = TimeSpan.FromMilliseconds(20);

        rig["broker-3"].AddToxic(ChaosToxic.Slicer(averageSize: 10, sizeVariation: 5, delay));
        var (sliced, elapsed) = await rig.RoundTripAsync("broker-3");

        // At most 15 bytes a piece, each after the delay.
        int pieces = (whole.Length + 14) / 15;
        Assert.Equal(whole[8..], sliced[8..]); // the same answer, after the correlation id
        Assert.True(elapsed >= delay * pieces, $"{whole.Length} bytes in pieces of at most 15, {delay} apart, came in {elapsed}");

        rig["broker-3"].RemoveToxic("slicer_downstream");
        await rig.AssertClientsWorkAsync(topic);
    }

    [Fact]
    public async Task Bandwidth_OneKilobytePerSecond_AResponseOfNBytesTakesAtLeastNMilliseconds()
    {
        await using var rig = await ChaosRig.StartAsync();
        string topic = rig.TopicLedBy("narrow", leader: 1);
        var (whole, _) = await rig.RoundTripAsync("broker-1");

        rig["broker-1"].AddToxic(ChaosToxic.Bandwidth(kilobytesPerSecond: 1));
        var (narrow, elapsed) = await rig.RoundTripAsync("broker-1");

        Assert.Equal(whole.Length, narrow.Length);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(whole.Length), $"{whole.Length} bytes at 1 KB/s came in {elapsed}");

        rig["broker-1"].RemoveToxic("bandwidth_downstream");
        await rig.AssertClientsWorkAsync(topic);
    }

    [Fact]
    public async Task SlowClose_BrokerClosesTheConnection_TheClientSeesTheCloseNoSoonerThanTheDelay()
    {
        await using var rig = await ChaosRig.StartAsync();
        string topic = rig.TopicLedBy("closing", leader: 2);
        var delay = TimeSpan.FromMilliseconds(800);
        rig["broker-2"].AddToxic(ChaosToxic.SlowClose(delay));
        using var client = await rig.ConnectAsync("broker-2");
        var stream = client.GetStream();
        await stream.WriteAsync(ChaosRig.ApiVersionsRequest(1));
        await ChaosRig.ReadFrameAsync(stream); // connected through to the broker

        var clock = Stopwatch.StartNew();
        rig.Cluster.SetBrokerDown(2); // the broker closes its connections
        var (bytes, _, _) = await ChaosRig.ReadToEndAsync(stream);

        Assert.Equal(0, bytes);
        Assert.True(clock.Elapsed >= delay - TimeSpan.FromMilliseconds(20), $"the close reached the client after {clock.Elapsed}, before the delay {delay}");
        rig.Cluster.SetBrokerUp(2);
        rig["broker-2"].RemoveToxic("slow_close_downstream");
        await rig.AssertClientsWorkAsync(topic);
    }

    [Fact]
    public async Task Toxicity_Zero_TheToxicActsOnNoConnection()
    {
        await using var rig = await ChaosRig.StartAsync();
        rig["broker-1"].AddToxic(ChaosToxic.LimitData(10).WithToxicity(0));

        var (response, _) = await rig.RoundTripAsync("broker-1");

        Assert.True(response.Length > 10);
        Assert.Equal(0, rig["broker-1"].Toxics.Single().Toxicity);
    }
}
