namespace KafkaProxy.Protocol.Headers;

/// <summary>
/// Facts about every api key Apache Kafka defines: the first flexible version (KIP-482), which decides the
/// header versions and whether bodies use compact encodings. Unknown keys have no entry.
/// </summary>
internal static class KafkaApis
{
    private const short Never = short.MaxValue;

    // First flexible version per api key, from the message schemas (requests and responses agree for every key).
    private static readonly short[] FirstFlexibleVersion =
    [
        9,     // 0 Produce
        12,    // 1 Fetch
        6,     // 2 ListOffsets
        9,     // 3 Metadata
        4,     // 4 LeaderAndIsr
        2,     // 5 StopReplica
        6,     // 6 UpdateMetadata
        3,     // 7 ControlledShutdown
        8,     // 8 OffsetCommit
        6,     // 9 OffsetFetch
        3,     // 10 FindCoordinator
        6,     // 11 JoinGroup
        4,     // 12 Heartbeat
        4,     // 13 LeaveGroup
        4,     // 14 SyncGroup
        5,     // 15 DescribeGroups
        3,     // 16 ListGroups
        Never, // 17 SaslHandshake
        3,     // 18 ApiVersions (its response header is v0 all the same)
        5,     // 19 CreateTopics
        4,     // 20 DeleteTopics
        2,     // 21 DeleteRecords
        2,     // 22 InitProducerId
        4,     // 23 OffsetForLeaderEpoch
        3,     // 24 AddPartitionsToTxn
        3,     // 25 AddOffsetsToTxn
        3,     // 26 EndTxn
        1,     // 27 WriteTxnMarkers
        3,     // 28 TxnOffsetCommit
        2,     // 29 DescribeAcls
        2,     // 30 CreateAcls
        2,     // 31 DeleteAcls
        4,     // 32 DescribeConfigs
        2,     // 33 AlterConfigs
        2,     // 34 AlterReplicaLogDirs
        2,     // 35 DescribeLogDirs
        2,     // 36 SaslAuthenticate
        2,     // 37 CreatePartitions
        2,     // 38 CreateDelegationToken
        2,     // 39 RenewDelegationToken
        2,     // 40 ExpireDelegationToken
        2,     // 41 DescribeDelegationToken
        2,     // 42 DeleteGroups
        2,     // 43 ElectLeaders
        1,     // 44 IncrementalAlterConfigs
        0,     // 45 AlterPartitionReassignments
        0,     // 46 ListPartitionReassignments
        Never, // 47 OffsetDelete
        1,     // 48 DescribeClientQuotas
        1,     // 49 AlterClientQuotas
        0,     // 50 DescribeUserScramCredentials
        0,     // 51 AlterUserScramCredentials
        0,     // 52 Vote
        1,     // 53 BeginQuorumEpoch
        1,     // 54 EndQuorumEpoch
        0,     // 55 DescribeQuorum
        0,     // 56 AlterPartition
        0,     // 57 UpdateFeatures
        0,     // 58 Envelope
        0,     // 59 FetchSnapshot
        0,     // 60 DescribeCluster
        0,     // 61 DescribeProducers
        0,     // 62 BrokerRegistration
        0,     // 63 BrokerHeartbeat
        0,     // 64 UnregisterBroker
        0,     // 65 DescribeTransactions
        0,     // 66 ListTransactions
        0,     // 67 AllocateProducerIds
        0,     // 68 ConsumerGroupHeartbeat
        0,     // 69 ConsumerGroupDescribe
        0,     // 70 ControllerRegistration
        0,     // 71 GetTelemetrySubscriptions
        0,     // 72 PushTelemetry
        0,     // 73 AssignReplicasToDirs
        0,     // 74 ListConfigResources
        0,     // 75 DescribeTopicPartitions
        0,     // 76 ShareGroupHeartbeat
        0,     // 77 ShareGroupDescribe
        0,     // 78 ShareFetch
        0,     // 79 ShareAcknowledge
        0,     // 80 AddRaftVoter
        0,     // 81 RemoveRaftVoter
        0,     // 82 UpdateRaftVoter
        0,     // 83 InitializeShareGroupState
        0,     // 84 ReadShareGroupState
        0,     // 85 WriteShareGroupState
        0,     // 86 DeleteShareGroupState
        0,     // 87 ReadShareGroupStateSummary
        0,     // 88 StreamsGroupHeartbeat
        0,     // 89 StreamsGroupDescribe
        0,     // 90 DescribeShareGroupOffsets
        0,     // 91 AlterShareGroupOffsets
        0,     // 92 DeleteShareGroupOffsets
    ];

    /// <summary>The highest api key this library knows.</summary>
    public static short MaxKnownApiKey => (short)(FirstFlexibleVersion.Length - 1);

    /// <summary>True for api keys this library knows.</summary>
    public static bool IsKnown(short apiKey) => apiKey >= 0 && apiKey < FirstFlexibleVersion.Length;

    /// <summary>True when (<paramref name="apiKey"/>, <paramref name="apiVersion"/>) uses flexible encodings; false for unknown keys.</summary>
    public static bool IsFlexible(short apiKey, short apiVersion) => IsKnown(apiKey) && apiVersion >= FirstFlexibleVersion[apiKey];

    /// <summary>The first flexible version of an api key, or -1 when it is never flexible or unknown.</summary>
    public static short FirstFlexible(short apiKey) =>
        IsKnown(apiKey) && FirstFlexibleVersion[apiKey] != Never ? FirstFlexibleVersion[apiKey] : (short)-1;

    /// <summary>The request header version: 2 if flexible, 0 for ControlledShutdown v0, else 1; -1 for unknown keys.</summary>
    public static short RequestHeaderVersion(short apiKey, short apiVersion)
    {
        if (!IsKnown(apiKey))
        {
            return -1;
        }

        if (IsFlexible(apiKey, apiVersion))
        {
            return 2;
        }

        return apiKey == (short)ApiKey.ControlledShutdown && apiVersion == 0 ? (short)0 : (short)1;
    }

    /// <summary>The response header version: 1 if flexible, 0 otherwise and always 0 for ApiVersions; -1 for unknown keys.</summary>
    public static short ResponseHeaderVersion(short apiKey, short apiVersion)
    {
        if (!IsKnown(apiKey))
        {
            return -1;
        }

        return apiKey != (short)ApiKey.ApiVersions && IsFlexible(apiKey, apiVersion) ? (short)1 : (short)0;
    }
}
