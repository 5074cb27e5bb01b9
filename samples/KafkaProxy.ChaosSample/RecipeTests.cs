using Confluent.Kafka;
using KafkaProxy.Testing.Chaos;

namespace KafkaProxy.ChaosSample;

/// <summary>The recipes of docs/testing.md, as tests of a service: what it does when Kafka misbehaves.</summary>
public sealed class RecipeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task OrdersSurviveALeaderElection_EveryOrderOnceAndInOrder()
    {
        await using var kafka = await ChaosCluster.StartAsync();
        string topic = kafka.TopicLedBy("orders", broker: 2);
        using var service = new OrdersService(kafka.BootstrapServers, deliveryTimeout: Patience);
        await service.PublishAsync(topic, "order-first");

        kafka.Chaos.Proxies["broker-2"].AddToxic(ChaosToxic.LeaderStorm(topic, TimeSpan.FromSeconds(3)));
        var orders = Enumerable.Range(0, 200).Select(i => $"order-{i}").ToList();
        await service.PublishAllAsync(topic, orders);

        var read = OrdersService.Read(kafka.BootstrapServers, topic, 201, Patience);
        Assert.Equal(["order-first", .. orders], read);
    }

    [Fact]
    public async Task ProducerKeepsOrderUnderRetries_ThreeRefusedRequestsChangeNothing()
    {
        await using var kafka = await ChaosCluster.StartAsync();
        string topic = kafka.TopicLedBy("payments", broker: 1);
        using var service = new OrdersService(kafka.BootstrapServers, deliveryTimeout: Patience);
        await service.PublishAsync(topic, "payment-first");

        // NOT_LEADER_OR_FOLLOWER (6) for the next three Produce requests: the producer retries them.
        kafka.Chaos.Proxies["broker-1"].AddToxic(ChaosToxic.KafkaError(apiKey: 0, errorCode: 6, topic, count: 3));
        var payments = Enumerable.Range(0, 100).Select(i => $"payment-{i}").ToList();
        await service.PublishAllAsync(topic, payments);

        Assert.Equal(["payment-first", .. payments], OrdersService.Read(kafka.BootstrapServers, topic, 101, Patience));
    }

    [Fact]
    public async Task HungBroker_PublishFailsWithinTheServicesTimeout_WorksAgainWhenItIsBack()
    {
        await using var kafka = await ChaosCluster.StartAsync();
        string topic = kafka.TopicLedBy("invoices", broker: 3);
        using var service = new OrdersService(kafka.BootstrapServers, deliveryTimeout: TimeSpan.FromSeconds(2));
        await service.PublishAsync(topic, "invoice-first");

        // Broker 3 accepts data and answers nothing: a hung broker.
        kafka.Chaos.Proxies["broker-3"].AddToxic(ChaosToxic.Timeout(TimeSpan.Zero));
        var failure = await Assert.ThrowsAsync<ProduceException<string, string>>(() => service.PublishAsync(topic, "invoice-lost"));
        Assert.Equal(ErrorCode.Local_MsgTimedOut, failure.Error.Code); // the service's own timeout, not a hang

        kafka.Chaos.Reset();
        using var recovered = new OrdersService(kafka.BootstrapServers, deliveryTimeout: Patience);
        await recovered.PublishAsync(topic, "invoice-after");
        // The toxic held the answers (downstream), not the requests: the "lost" invoice reached the broker and is in the
        // topic. A timed-out publish is not a refused one, which is why a service retries with idempotence or dedups.
        Assert.Equal(["invoice-first", "invoice-lost", "invoice-after"], OrdersService.Read(kafka.BootstrapServers, topic, 3, Patience));
    }
}
