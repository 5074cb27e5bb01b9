using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using KafkaProxy.Core.Filters;
using KafkaProxy.IntegrationTests.Support;

namespace KafkaProxy.IntegrationTests.Filters;

/// <summary>
/// The decoded tier on the response side, through real sockets with Confluent.Kafka: a response filter reads
/// Metadata, FindCoordinator, ApiVersions and Fetch responses as the client will get them.
/// </summary>
public sealed class DecodedResponseTests
{
    [Fact]
    public async Task ResponseFilterReadsViews_RealProducerAndConsumer_ViewsMatchWhatTheClientsSee()
    {
        var metadataPorts = new ConcurrentBag<int>();
        var coordinatorPorts = new ConcurrentBag<int>();
        var apiKeys = new ConcurrentBag<short>();
        var fetched = new ConcurrentBag<(int Records, bool OffsetsPointAtBatches)>();
        var reading = new ResponseFilter("reading", (key, _) => key is 1 or 3 or 10 or 18, (response, _) =>
        {
            switch (response.ApiKey)
            {
                case 3:
                    foreach (var broker in response.ReadMetadata().Brokers)
                    {
                        metadataPorts.Add(broker.Port);
                    }

                    break;
                case 10:
                    foreach (var coordinator in response.ReadFindCoordinator().Coordinators.Where(c => c.ErrorCode == 0))
                    {
                        coordinatorPorts.Add(coordinator.Port);
                    }

                    break;
                case 18:
                    foreach (var range in response.ReadApiVersions().ApiKeys)
                    {
                        apiKeys.Add(range.ApiKey);
                    }

                    break;
                default:
                    var body = response.Body;
                    foreach (var partition in response.ReadFetch().Topics.SelectMany(t => t.Partitions))
                    {
                        // Each batch's offset in the body is where its base offset is written.
                        bool aligned = partition.Batches.All(b => BaseOffsetAt(body, b.Offset) == b.BaseOffset && b.Offset + b.SizeInBytes <= body.Length);
                        fetched.Add((partition.Batches.Sum(b => b.RecordCount), aligned));
                    }

                    break;
            }

            return ValueTask.CompletedTask;
        });
        await using var proxied = await ProxiedCluster.StartAsync(filters: [reading]);

        RoundTrip.ProduceAndConsume(proxied, "orders", 300, "decoded-responses");

        Assert.NotEmpty(metadataPorts);
        Assert.Subset(proxied.ProxyPorts, metadataPorts.ToHashSet());
        Assert.NotEmpty(coordinatorPorts);
        Assert.Subset(proxied.ProxyPorts, coordinatorPorts.ToHashSet());
        Assert.Contains((short)0, apiKeys);
        Assert.Contains((short)1, apiKeys);
        Assert.All(fetched, f => Assert.True(f.OffsetsPointAtBatches));
        Assert.True(fetched.Sum(f => f.Records) >= 300, $"the consumer read 300 messages; the fetch views counted {fetched.Sum(f => f.Records)}");
    }

    private static long BaseOffsetAt(ReadOnlySequence<byte> body, long offset)
    {
        Span<byte> bytes = stackalloc byte[8];
        body.Slice(offset, 8).CopyTo(bytes);
        return BinaryPrimitives.ReadInt64BigEndian(bytes);
    }
}
