using System.Buffers;
using KafkaProxy.Protocol.Messages.ApiVersions;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Messages.CreateTopics;
using KafkaProxy.Protocol.Messages.DescribeCluster;
using KafkaProxy.Protocol.Messages.Fetch;
using KafkaProxy.Protocol.Messages.FindCoordinator;
using KafkaProxy.Protocol.Messages.Metadata;
using KafkaProxy.Protocol.Messages.Produce;
using KafkaProxy.Protocol.Messages.Sasl;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Tests.Messages;

/// <summary>One generated message model with a rich instance: every field set, every array with elements, unknown tags.</summary>
internal interface IModelCase
{
    string Name { get; }

    short Lowest { get; }

    short Highest { get; }

    byte[] EncodeRich(short version);

    int SizeOfRich(short version);

    /// <summary>Reads a body and writes it again; <paramref name="remaining"/> is what the read left.</summary>
    /// <exception cref="KafkaProtocolException">The body is malformed.</exception>
    byte[] Reencode(in ReadOnlySequence<byte> body, short version, out long remaining);
}

/// <summary>Every generated message model, for the tests that run over all of them.</summary>
internal static class ModelCases
{
    public static readonly IReadOnlyDictionary<string, IModelCase> All = new IModelCase[]
    {
        new ModelCase<ApiVersionsRequest>(RichApiVersionsRequest),
        new ModelCase<ApiVersionsResponse>(RichApiVersionsResponse),
        new ModelCase<MetadataRequest>(RichMetadataRequest),
        new ModelCase<MetadataResponse>(RichMetadataResponse),
        new ModelCase<FindCoordinatorRequest>(RichFindCoordinatorRequest),
        new ModelCase<FindCoordinatorResponse>(RichFindCoordinatorResponse),
        new ModelCase<DescribeClusterRequest>(RichDescribeClusterRequest),
        new ModelCase<DescribeClusterResponse>(RichDescribeClusterResponse),
        new ModelCase<SaslHandshakeRequest>(() => new SaslHandshakeRequest { Mechanism = "SCRAM-SHA-512" }),
        new ModelCase<SaslHandshakeResponse>(() => new SaslHandshakeResponse { ErrorCode = 33, Mechanisms = ["PLAIN", "OAUTHBEARER"] }),
        new ModelCase<SaslAuthenticateRequest>(RichSaslAuthenticateRequest),
        new ModelCase<SaslAuthenticateResponse>(RichSaslAuthenticateResponse),
        new ModelCase<ProduceRequest>(RichProduceRequest),
        new ModelCase<ProduceResponse>(RichProduceResponse),
        new ModelCase<FetchRequest>(RichFetchRequest),
        new ModelCase<FetchResponse>(RichFetchResponse),
        new ModelCase<CreateTopicsRequest>(RichCreateTopicsRequest),
        new ModelCase<CreateTopicsResponse>(RichCreateTopicsResponse),
    }.ToDictionary(c => c.Name);

    /// <summary>Every model name with every version it supports.</summary>
    public static TheoryData<string, short> NamesAndVersions()
    {
        var data = new TheoryData<string, short>();
        foreach (var c in All.Values)
        {
            for (short v = c.Lowest; v <= c.Highest; v++)
            {
                data.Add(c.Name, v);
            }
        }

        return data;
    }

    public static TheoryData<string> Names() => [.. All.Keys];

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

    private static readonly Guid TopicId = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

    private static ProduceRequest RichProduceRequest() => new()
    {
        TransactionalId = "tx-é",
        Acks = -1,
        TimeoutMs = 30000,
        TopicData =
        [
            new ProduceRequestTopic
            {
                Name = "orders",
                TopicId = TopicId,
                PartitionData =
                [
                    new ProduceRequestPartition { Index = 0, Records = new ReadOnlySequence<byte>(RecordBatchReaderTests.TwoBatches), UnknownTaggedFields = Tags() },
                    new ProduceRequestPartition { Index = 1, Records = null },
                ],
                UnknownTaggedFields = Tags(),
            },
        ],
        UnknownTaggedFields = Tags(),
    };

    private static ProduceResponse RichProduceResponse() => new()
    {
        Responses =
        [
            new ProduceResponseTopic
            {
                Name = "orders",
                TopicId = TopicId,
                PartitionResponses =
                [
                    new ProduceResponsePartition
                    {
                        Index = 3,
                        ErrorCode = 6,
                        BaseOffset = -1,
                        LogAppendTimeMs = 1_700_000_000_000,
                        LogStartOffset = 12,
                        RecordErrors = [new ProduceResponseRecordError { BatchIndex = 1, BatchIndexErrorMessage = "no key", UnknownTaggedFields = Tags() }],
                        ErrorMessage = "not the leader",
                        CurrentLeader = new ProduceResponseLeaderIdAndEpoch { LeaderId = 2, LeaderEpoch = 7, UnknownTaggedFields = Tags() },
                        UnknownTaggedFields = Tags(),
                    },
                ],
                UnknownTaggedFields = Tags(),
            },
        ],
        ThrottleTimeMs = 20,
        NodeEndpoints = [new ProduceResponseNodeEndpoint { NodeId = 2, Host = "broker-2.internal", Port = 9093, Rack = "rack-b", UnknownTaggedFields = Tags() }],
        UnknownTaggedFields = Tags(),
    };

    private static FetchRequest RichFetchRequest() => new()
    {
        ClusterId = "cluster-a",
        ReplicaId = 3,
        ReplicaState = new FetchRequestReplicaState { ReplicaId = 3, ReplicaEpoch = 11, UnknownTaggedFields = Tags() },
        MaxWaitMs = 500,
        MinBytes = 1,
        MaxBytes = 1 << 20,
        IsolationLevel = 1,
        SessionId = 7,
        SessionEpoch = 2,
        Topics =
        [
            new FetchRequestTopic
            {
                Topic = "orders",
                TopicId = TopicId,
                Partitions =
                [
                    new FetchRequestPartition
                    {
                        Partition = 1, CurrentLeaderEpoch = 4, FetchOffset = 99, LastFetchedEpoch = 3, LogStartOffset = 0, PartitionMaxBytes = 65536,
                        ReplicaDirectoryId = TopicId, UnknownTaggedFields = Tags(),
                    },
                ],
                UnknownTaggedFields = Tags(),
            },
        ],
        ForgottenTopicsData = [new FetchRequestForgottenTopic { Topic = "old", TopicId = TopicId, Partitions = [0, 2], UnknownTaggedFields = Tags() }],
        RackId = "rack-a",
        UnknownTaggedFields = Tags(),
    };

    private static FetchResponse RichFetchResponse() => new()
    {
        ThrottleTimeMs = 5,
        ErrorCode = 0,
        SessionId = 42,
        Responses =
        [
            new FetchResponseTopic
            {
                Topic = "orders",
                TopicId = TopicId,
                Partitions =
                [
                    new FetchResponsePartition
                    {
                        PartitionIndex = 0,
                        HighWatermark = 3,
                        LastStableOffset = 2,
                        LogStartOffset = 0,
                        DivergingEpoch = new FetchResponseEpochEndOffset { Epoch = 4, EndOffset = 2 },
                        CurrentLeader = new FetchResponseLeaderIdAndEpoch { LeaderId = 2, LeaderEpoch = 7 },
                        SnapshotId = new FetchResponseSnapshotId { EndOffset = 100, Epoch = 3, UnknownTaggedFields = Tags() },
                        AbortedTransactions = [new FetchResponseAbortedTransaction { ProducerId = 4711, FirstOffset = 2, UnknownTaggedFields = Tags() }],
                        PreferredReadReplica = 3,
                        Records = new ReadOnlySequence<byte>(RecordBatchReaderTests.TwoBatches),
                        UnknownTaggedFields = Tags(),
                    },
                    new FetchResponsePartition { PartitionIndex = 1, ErrorCode = 1, AbortedTransactions = null, Records = null },
                ],
                UnknownTaggedFields = Tags(),
            },
        ],
        NodeEndpoints = [new FetchResponseNodeEndpoint { NodeId = 2, Host = "broker-2.internal", Port = 9093, UnknownTaggedFields = Tags() }],
        UnknownTaggedFields = Tags(),
    };

    private static CreateTopicsRequest RichCreateTopicsRequest() => new()
    {
        Topics =
        [
            new CreateTopicsRequestTopic
            {
                Name = "orders",
                NumPartitions = -1,
                ReplicationFactor = -1,
                Assignments = [new CreateTopicsRequestAssignment { PartitionIndex = 0, BrokerIds = [1, 2, 3], UnknownTaggedFields = Tags() }],
                Configs =
                [
                    new CreateTopicsRequestConfig { Name = "cleanup.policy", Value = "compact", UnknownTaggedFields = Tags() },
                    new CreateTopicsRequestConfig { Name = "retention.ms", Value = null },
                ],
                UnknownTaggedFields = Tags(),
            },
        ],
        TimeoutMs = 30000,
        ValidateOnly = true,
        UnknownTaggedFields = Tags(),
    };

    private static CreateTopicsResponse RichCreateTopicsResponse() => new()
    {
        ThrottleTimeMs = 8,
        Topics =
        [
            new CreateTopicsResponseTopic
            {
                Name = "orders",
                TopicId = TopicId,
                ErrorCode = 44,
                ErrorMessage = "policy",
                TopicConfigErrorCode = 29,
                NumPartitions = 3,
                ReplicationFactor = 2,
                Configs = [new CreateTopicsResponseConfig { Name = "cleanup.policy", Value = "compact", ReadOnly = true, ConfigSource = 5, IsSensitive = true, UnknownTaggedFields = Tags() }],
                UnknownTaggedFields = Tags(),
            },
            new CreateTopicsResponseTopic { Name = "payments", Configs = null },
        ],
        UnknownTaggedFields = Tags(),
    };

    private sealed class ModelCase<T>(Func<T> rich) : IModelCase
        where T : class, IKafkaMessage<T>
    {
        public string Name => typeof(T).Name;

        public short Lowest => T.LowestVersion;

        public short Highest => T.HighestVersion;

        public byte[] EncodeRich(short version) => Encode(rich(), version);

        public int SizeOfRich(short version) => rich().Size(version);

        public byte[] Reencode(in ReadOnlySequence<byte> body, short version, out long remaining)
        {
            var reader = new KafkaReader(body, T.ApiKey, version);
            T message = T.Read(ref reader, version);
            remaining = reader.Remaining;
            return Encode(message, version);
        }

        private static byte[] Encode(T message, short version)
        {
            var buffer = new ArrayBufferWriter<byte>();
            message.Write(buffer, version);
            return buffer.WrittenSpan.ToArray();
        }
    }
}
