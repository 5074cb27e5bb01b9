using System.Buffers;
using CsCheck;
using KafkaProxy.Protocol.Messages.ApiVersions;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Messages.DescribeCluster;
using KafkaProxy.Protocol.Messages.FindCoordinator;
using KafkaProxy.Protocol.Messages.Metadata;
using KafkaProxy.Protocol.Messages.Sasl;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Messages;

/// <summary>
/// Corrupted input, not just cut short: bytes of a valid encoding replaced, inserted or deleted, and plain random
/// bytes. Reading must fail with <see cref="KafkaProtocolException"/> and nothing else; when it succeeds, the model
/// must encode, and that encoding must be a fixed point (decode and encode again gives the same bytes). It need not
/// equal the corrupted input: a bool byte of 2 reads as true and is written as 1, invalid UTF-8 reads as U+FFFD.
/// </summary>
public sealed class MessageMutationTests
{
    private const string Seed = "0N0XIzNsQ0O2";

    private static readonly Dictionary<string, IMutationCase> Cases = new IMutationCase[]
    {
        new MutationCase<ApiVersionsRequest>("ApiVersionsRequest", ApiVersionsRequest.Read, (m, w, v) => m.Write(w, v), 0, 4, RichApiVersionsRequest),
        new MutationCase<ApiVersionsResponse>("ApiVersionsResponse", ApiVersionsResponse.Read, (m, w, v) => m.Write(w, v), 0, 4, RichApiVersionsResponse),
        new MutationCase<MetadataRequest>("MetadataRequest", MetadataRequest.Read, (m, w, v) => m.Write(w, v), 0, 13, RichMetadataRequest),
        new MutationCase<MetadataResponse>("MetadataResponse", MetadataResponse.Read, (m, w, v) => m.Write(w, v), 0, 13, RichMetadataResponse),
        new MutationCase<FindCoordinatorRequest>("FindCoordinatorRequest", FindCoordinatorRequest.Read, (m, w, v) => m.Write(w, v), 0, 6, RichFindCoordinatorRequest),
        new MutationCase<FindCoordinatorResponse>("FindCoordinatorResponse", FindCoordinatorResponse.Read, (m, w, v) => m.Write(w, v), 0, 6, RichFindCoordinatorResponse),
        new MutationCase<DescribeClusterRequest>("DescribeClusterRequest", DescribeClusterRequest.Read, (m, w, v) => m.Write(w, v), 0, 2, RichDescribeClusterRequest),
        new MutationCase<DescribeClusterResponse>("DescribeClusterResponse", DescribeClusterResponse.Read, (m, w, v) => m.Write(w, v), 0, 2, RichDescribeClusterResponse),
        new MutationCase<SaslHandshakeRequest>("SaslHandshakeRequest", SaslHandshakeRequest.Read, (m, w, v) => m.Write(w, v), 0, 1, () => new SaslHandshakeRequest { Mechanism = "SCRAM-SHA-512" }),
        new MutationCase<SaslHandshakeResponse>("SaslHandshakeResponse", SaslHandshakeResponse.Read, (m, w, v) => m.Write(w, v), 0, 1, () => new SaslHandshakeResponse { ErrorCode = 33, Mechanisms = ["PLAIN", "OAUTHBEARER"] }),
        new MutationCase<SaslAuthenticateRequest>("SaslAuthenticateRequest", SaslAuthenticateRequest.Read, (m, w, v) => m.Write(w, v), 0, 2, RichSaslAuthenticateRequest),
        new MutationCase<SaslAuthenticateResponse>("SaslAuthenticateResponse", SaslAuthenticateResponse.Read, (m, w, v) => m.Write(w, v), 0, 2, RichSaslAuthenticateResponse),
    }.ToDictionary(c => c.Name);

    public static TheoryData<string, short> MessagesAndVersions()
    {
        var data = new TheoryData<string, short>();
        foreach (var c in Cases.Values)
        {
            for (short v = c.Lowest; v <= c.Highest; v++)
            {
                data.Add(c.Name, v);
            }
        }

        return data;
    }

    public static TheoryData<string> Messages() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(MessagesAndVersions))]
    public void Read_MutatedEncoding_ThrowsOnlyProtocolExceptionOrReencodesStably(string message, short version) =>
        Cases[message].AssertMutationsAreSafe(version);

    [Theory]
    [MemberData(nameof(Messages))]
    public void Read_RandomBytes_ThrowsOnlyProtocolExceptionOrReencodesStably(string message) =>
        Cases[message].AssertRandomBytesAreSafe();

    [Fact]
    public void Read_MutatedEncoding_RichModelsUseEveryField()
    {
        // The mutations only reach fields the rich models write: check that each latest-version encoding is not
        // trivially short (every array has elements, every flexible struct has an unknown tag).
        foreach (var c in Cases.Values)
        {
            Assert.True(c.Encode(c.Highest).Length >= 10, $"{c.Name} v{c.Highest} encodes to too few bytes to be worth mutating");
        }
    }

    private static List<RawTaggedField> Tags(uint first = 5) => [new RawTaggedField(first, new byte[] { 0xab, 0xcd }), new RawTaggedField(first + 200, new byte[] { 1 })];

    private static ApiVersionsRequest RichApiVersionsRequest() =>
        new() { ClientSoftwareName = "confluent-kafka-dotnet", ClientSoftwareVersion = "2.6.0-é", UnknownTaggedFields = Tags() };

    private static ApiVersionsResponse RichApiVersionsResponse() => new()
    {
        ErrorCode = 35,
        ApiKeys =
        [
            new ApiVersionsResponseApiKey { ApiKey = 3, MinVersion = 0, MaxVersion = 13, UnknownTaggedFields = Tags() },
            new ApiVersionsResponseApiKey { ApiKey = 18, MinVersion = 0, MaxVersion = 4 },
        ],
        ThrottleTimeMs = 250,
        SupportedFeatures = [new ApiVersionsResponseSupportedFeature { Name = "metadata.version", MinVersion = 1, MaxVersion = 25, UnknownTaggedFields = Tags() }],
        FinalizedFeaturesEpoch = 42,
        FinalizedFeatures = [new ApiVersionsResponseFinalizedFeature { Name = "kraft.version", MaxVersionLevel = 1, MinVersionLevel = 0 }],
        ZkMigrationReady = true,
        UnknownTaggedFields = Tags(),
    };

    private static MetadataRequest RichMetadataRequest() => new()
    {
        Topics =
        [
            new MetadataRequestTopic { TopicId = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"), Name = "orders", UnknownTaggedFields = Tags() },
            new MetadataRequestTopic { Name = "événements" },
        ],
        AllowAutoTopicCreation = false,
        IncludeClusterAuthorizedOperations = true,
        IncludeTopicAuthorizedOperations = true,
        UnknownTaggedFields = Tags(),
    };

    private static MetadataResponse RichMetadataResponse() => new()
    {
        ThrottleTimeMs = 7,
        Brokers =
        [
            new MetadataResponseBroker { NodeId = 1, Host = "broker-1.internal", Port = 9092, Rack = "rack-a", UnknownTaggedFields = Tags() },
            new MetadataResponseBroker { NodeId = 2, Host = "broker-2.internal", Port = 9093 },
        ],
        ClusterId = "cluster-x",
        ControllerId = 2,
        Topics =
        [
            new MetadataResponseTopic
            {
                ErrorCode = 0,
                Name = "orders",
                TopicId = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
                IsInternal = true,
                Partitions =
                [
                    new MetadataResponsePartition
                    {
                        ErrorCode = 9,
                        PartitionIndex = 0,
                        LeaderId = 1,
                        LeaderEpoch = 5,
                        ReplicaNodes = [1, 2],
                        IsrNodes = [1],
                        OfflineReplicas = [2],
                        UnknownTaggedFields = Tags(),
                    },
                ],
                TopicAuthorizedOperations = 0x0df8,
                UnknownTaggedFields = Tags(),
            },
        ],
        ClusterAuthorizedOperations = 0x0df8,
        ErrorCode = 41,
        UnknownTaggedFields = Tags(),
    };

    private static FindCoordinatorRequest RichFindCoordinatorRequest() =>
        new() { Key = "group-1", KeyType = 1, CoordinatorKeys = ["group-1", "group-2"], UnknownTaggedFields = Tags() };

    private static FindCoordinatorResponse RichFindCoordinatorResponse() => new()
    {
        ThrottleTimeMs = 3,
        ErrorCode = 15,
        ErrorMessage = "loading",
        NodeId = 2,
        Host = "broker-2.internal",
        Port = 9093,
        Coordinators =
        [
            new FindCoordinatorResponseCoordinator { Key = "group-1", NodeId = 1, Host = "broker-1.internal", Port = 9092, UnknownTaggedFields = Tags() },
            new FindCoordinatorResponseCoordinator { Key = "group-2", NodeId = -1, Host = string.Empty, Port = -1, ErrorCode = 15, ErrorMessage = "loading" },
        ],
        UnknownTaggedFields = Tags(),
    };

    private static DescribeClusterRequest RichDescribeClusterRequest() =>
        new() { IncludeClusterAuthorizedOperations = true, EndpointType = 2, IncludeFencedBrokers = true, UnknownTaggedFields = Tags() };

    private static DescribeClusterResponse RichDescribeClusterResponse() => new()
    {
        ThrottleTimeMs = 9,
        ErrorCode = 0,
        ErrorMessage = "none",
        EndpointType = 2,
        ClusterId = "cluster-x",
        ControllerId = 3000,
        Brokers =
        [
            new DescribeClusterResponseBroker { BrokerId = 3000, Host = "controller-0", Port = 9101, Rack = "rack-a", IsFenced = true, UnknownTaggedFields = Tags() },
            new DescribeClusterResponseBroker { BrokerId = 3001, Host = "controller-1", Port = 9102 },
        ],
        ClusterAuthorizedOperations = 0x0df8,
        UnknownTaggedFields = Tags(),
    };

    private static SaslAuthenticateRequest RichSaslAuthenticateRequest() =>
        new() { AuthBytes = "\0user\0pass"u8.ToArray(), UnknownTaggedFields = Tags() };

    private static SaslAuthenticateResponse RichSaslAuthenticateResponse() =>
        new() { ErrorCode = 58, ErrorMessage = "bad credentials", AuthBytes = "v=server-final"u8.ToArray(), SessionLifetimeMs = 3_600_000, UnknownTaggedFields = Tags() };

    private interface IMutationCase
    {
        string Name { get; }

        short Lowest { get; }

        short Highest { get; }

        byte[] Encode(short version);

        void AssertMutationsAreSafe(short version);

        void AssertRandomBytesAreSafe();
    }

    private sealed class MutationCase<T>(
        string name, BodyReader<T> read, Action<T, IBufferWriter<byte>, short> write, short lowest, short highest, Func<T> rich) : IMutationCase
    {
        public string Name => name;

        public short Lowest => lowest;

        public short Highest => highest;

        public byte[] Encode(short version) => Encode(rich(), version);

        /// <summary>One to three edits (replace, insert or delete a byte) anywhere in a valid encoding.</summary>
        public void AssertMutationsAreSafe(short version)
        {
            byte[] valid = Encode(version);
            var edit = Gen.Select(Gen.Int[0, 2], Gen.Int[0, valid.Length], Gen.Byte);
            Gen.Select(edit.Array[1, 3], Gen.Int[0, int.MaxValue]).Sample((edits, cutSeed) =>
            {
                var bytes = new List<byte>(valid);
                foreach ((int kind, int at, byte value) in edits)
                {
                    int position = Math.Min(at, bytes.Count);
                    if (kind == 1 || position == bytes.Count)
                    {
                        bytes.Insert(position, value);
                    }
                    else if (kind == 0)
                    {
                        bytes[position] = value;
                    }
                    else
                    {
                        bytes.RemoveAt(position);
                    }
                }

                AssertSafe(bytes.ToArray(), version, cutSeed);
            }, iter: 1_000, seed: Seed);
        }

        public void AssertRandomBytesAreSafe()
        {
            Gen.Select(Gen.Short[lowest, highest], Gen.Byte.Array[0, 64], Gen.Int[0, int.MaxValue])
                .Sample((version, bytes, cutSeed) => AssertSafe(bytes, version, cutSeed), iter: 2_000, seed: Seed);
        }

        private void AssertSafe(byte[] input, short version, int cutSeed)
        {
            var data = ReadOnlySequenceFactory.Split(input, input.Length == 0 ? 0 : cutSeed % input.Length, input.Length / 2);
            T decoded;
            try
            {
                var reader = new KafkaReader(data, -1, version);
                decoded = read(ref reader, version);
            }
            catch (KafkaProtocolException)
            {
                return;
            }

            byte[] once = Encode(decoded, version);
            var again = new KafkaReader(new ReadOnlySequence<byte>(once), -1, version);
            T redecoded = read(ref again, version);
            Assert.True(again.End, $"{again.Remaining} bytes left after reading back {name} v{version}");
            Assert.Equal(Convert.ToHexString(once), Convert.ToHexString(Encode(redecoded, version)));
        }

        private byte[] Encode(T message, short version)
        {
            var buffer = new ArrayBufferWriter<byte>();
            write(message, buffer, version);
            return buffer.WrittenSpan.ToArray();
        }
    }
}
