using CsCheck;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Rewriting;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Rewriting;

public sealed class RewriterPropertyTests
{
    private static readonly Gen<Broker> GenBroker =
        Gen.Select(Gen.Int[0, 1000], Gen.String[Gen.Char.AlphaNumeric, 1, 40], Gen.Int[1, 65535], Gen.String[Gen.Char.AlphaNumeric, 0, 8].Null())
            .Select((n, h, p, r) => new Broker(n, h, p, r));

    private static readonly Gen<(ApiKey Key, short Version, byte[] Payload)> GenResponse = Gen.OneOf(
        Gen.Select(Gen.Short[0, 13], GenBroker.Array[0, 6], Gen.Int[0, 4]).Select((v, b, t) => (ApiKey.Metadata, v, Responses.Metadata(v, b, t))),
        Gen.Select(Gen.Short[0, 6], GenBroker.Array[1, 4]).Select((v, b) => (ApiKey.FindCoordinator, v, Responses.FindCoordinator(v, b))),
        Gen.Select(Gen.Short[0, 2], GenBroker.Array[0, 4]).Select((v, b) => (ApiKey.DescribeCluster, v, Responses.DescribeCluster(v, b))),
        Gen.Select(Gen.Short[10, 13], GenBroker.Array[0, 4]).Select((v, b) => (ApiKey.Produce, v, Responses.Produce(v, b))),
        Gen.Select(Gen.Short[16, 18], GenBroker.Array[0, 4], Gen.Byte.Array[0, 64]).Select((v, b, r) => (ApiKey.Fetch, v, Responses.Fetch(v, b, r))),
        Gen.Select(Gen.Short[0, 2], GenBroker.Array[0, 4], Gen.Bool).Select((v, b, f) => (f ? ApiKey.ShareFetch : ApiKey.ShareAcknowledge, v, Responses.Share(f, v, b, [1, 2]))));

    [Fact]
    public void Rewrite_RandomValidResponses_IdentityMapperGivesIdenticalBytes()
    {
        GenResponse.Sample(r => Assert.Equal(r.Payload, Rewrite.Run(r.Key, r.Version, r.Payload, MapTo.Identity)), iter: 10_000, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void Rewrite_RandomValidResponses_ProxyMapperOutputRewritesToItselfAgain()
    {
        // Rewriting is idempotent: once every address is the proxy's, a second pass changes nothing.
        GenResponse.Sample(r =>
        {
            byte[] once = Rewrite.Run(r.Key, r.Version, r.Payload);
            Assert.Equal(once, Rewrite.Run(r.Key, r.Version, once));
        }, iter: 10_000, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void Rewrite_TruncatedOrMutatedResponses_ThrowOnlyTheProtocolException()
    {
        var cases = GenResponse.SelectMany(r => Gen.Select(Gen.Int[0, r.Payload.Length], Gen.Int[0, r.Payload.Length - 1], Gen.Byte, Gen.Bool)
            .Select((cut, at, value, truncate) =>
            {
                byte[] bytes = r.Payload.ToArray();
                if (truncate)
                {
                    bytes = bytes[..cut];
                }
                else
                {
                    bytes[at] = value;
                }

                return (r.Key, r.Version, bytes);
            }));

        cases.Sample(c =>
        {
            try
            {
                Rewrite.Run(c.Key, c.Version, ReadOnlySequenceFactory.Split(c.bytes, c.bytes.Length / 3, c.bytes.Length / 2));
            }
            catch (KafkaProtocolException)
            {
                // The only acceptable failure.
            }
        }, iter: 100_000, seed: "0N0XIzNsQ0O2");
    }

    // Fetch v16-18 as the response pump streams it: topics, partitions, records, NodeEndpoints and another tag vary.
    private static readonly Gen<(short Version, Broker[] Brokers, byte[] Payload)> GenFetch =
        Gen.Select(Gen.Short[16, 18], GenBroker.Array[0, 6], Gen.Byte.Array[0, 300], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Bool)
            .Select((v, b, r, topics, partitions, other) =>
            {
                var tags = new List<(uint, byte[])> { (0, Responses.NodeEndpoints(b)) };
                if (other) { tags.Add((3, [7, 7, 7])); }
                return (v, b, Responses.Fetch(v, r, [.. tags], topics, partitions));
            });

    [Fact]
    public void Stream_RandomFetchResponses_IdentityMapperGivesIdenticalBytesAtAnyReads()
    {
        Gen.Select(GenFetch, Gen.Int[1, 400].Array[0, 4]).Sample((r, reads) =>
            Assert.Equal(r.Payload, Streamed.Run(r.Version, r.Payload, reads, MapTo.Identity)), iter: 5_000, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void Stream_RandomFetchResponses_AnyReadsGiveTheBytesOfOneReadWithTheEndpointsThatFitInOrder()
    {
        Gen.Select(GenFetch, Gen.Int[1, 400].Array[0, 4]).Sample((r, reads) =>
        {
            var proxy = new MapTo((node, _, _) => new BrokerEndpoint(MapTo.ProxyHost, MapTo.ProxyPort(node)));
            var rewriter = new StreamingFetchRewriter();
            byte[] streamed = Streamed.Run(r.Version, r.Payload, reads, proxy, rewriter);
            Assert.Equal(Streamed.Whole(r.Version, r.Payload, proxy), streamed);

            // Read back by the whole-frame walker: the proxy's addresses of the endpoints kept, in their order.
            var seen = new MapTo((_, host, port) => new BrokerEndpoint(host, port));
            Assert.Equal(streamed, Rewrite.Run(ApiKey.Fetch, r.Version, streamed, seen));
            var expected = Responses.Proxied(r.Brokers).Select(b => (b.Node, b.Host, b.Port)).ToList();
            Assert.Equal(r.Brokers.Length - rewriter.Dropped, seen.Seen.Count);
            Assert.True(IsInOrderWithin(seen.Seen, expected), $"kept {string.Join(", ", seen.Seen)} out of the order of {string.Join(", ", expected)}");

            // And streaming is idempotent, like the whole-frame rewrite.
            Assert.Equal(streamed, Streamed.Whole(r.Version, streamed, proxy));
        }, iter: 5_000, seed: "0N0XIzNsQ0O2");
    }

    // True when kept is expected with some entries left out, the rest in their order (node ids may repeat).
    private static bool IsInOrderWithin<T>(List<T> kept, List<T> expected)
    {
        int at = 0;
        foreach (var entry in expected)
        {
            if (at < kept.Count && EqualityComparer<T>.Default.Equals(kept[at], entry))
            {
                at++;
            }
        }

        return at == kept.Count;
    }

    [Fact]
    public void Stream_TruncatedOrMutatedFetchResponses_ThrowOnlyTheProtocolExceptionOrKeepTheLength()
    {
        var cases = GenFetch.SelectMany(r => Gen.Select(Gen.Int[0, r.Payload.Length], Gen.Int[0, r.Payload.Length - 1], Gen.Byte, Gen.Bool, Gen.Int[1, 200])
            .Select((cut, at, value, truncate, read) =>
            {
                byte[] bytes = r.Payload.ToArray();
                if (truncate)
                {
                    bytes = bytes[..cut];
                }
                else
                {
                    bytes[at] = value;
                }

                return (r.Version, bytes, read);
            }));

        cases.Sample(c =>
        {
            try
            {
                // Streamed.Run checks that a response it finishes keeps its length.
                Streamed.Run(c.Version, c.bytes, [c.read], MapTo.Identity);
            }
            catch (KafkaProtocolException)
            {
                // The only acceptable failure.
            }
        }, iter: 50_000, seed: "0N0XIzNsQ0O2");
    }
}
