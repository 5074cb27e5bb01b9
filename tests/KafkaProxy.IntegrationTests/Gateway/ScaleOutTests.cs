using System.Net;
using System.Text;
using System.Text.Json;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;

namespace KafkaProxy.IntegrationTests.Gateway;

/// <summary>Scale-out mode: replicas keep the current topic in a Kafka topic and agree on it.</summary>
public sealed class ScaleOutTests
{
    [Fact]
    public async Task SwitchOnOneReplica_TheOtherFollows_AndANewReplicaStartsWithIt()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        cluster.CreateTopic(RunningGateway.Topic, partitions: 3);
        cluster.CreateTopic("second");
        cluster.CreateTopic("gateway-state");
        void Shared(KafkaProxy.Core.Flushing.BatchingFlusherOptions o)
        {
            o.TopicStateTopic = "gateway-state";
            o.TopicStateRefreshInterval = TimeSpan.FromMilliseconds(200);
        }

        await using var a = await RunningGateway.StartAsync(flusher: Shared, cluster: cluster);
        await using var b = await RunningGateway.StartAsync(flusher: Shared, cluster: cluster);

        using var switched = await a.SwitchTopicAsync("second");
        Assert.Equal(HttpStatusCode.OK, switched.StatusCode);
        using var patience = new CancellationTokenSource(Clients.Patience);
        while (b.Flusher.CurrentTopic != "second")
        {
            await Task.Delay(50, patience.Token);
        }

        using var pushed = await b.Http.SendAsync(RunningGateway.PushRequest(RunningGateway.Frame([Encoding.UTF8.GetBytes("via b")]), "/?wait=true"));
        await using var c = await RunningGateway.StartAsync(flusher: Shared, cluster: cluster);

        using var json = JsonDocument.Parse(await pushed.Content.ReadAsStringAsync());
        Assert.Equal("second", json.RootElement.GetProperty("offsets")[0].GetProperty("topic").GetString());
        Assert.Equal("second", c.Flusher.CurrentTopic);
    }
}
