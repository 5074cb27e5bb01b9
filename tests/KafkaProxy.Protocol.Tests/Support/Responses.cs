namespace KafkaProxy.Protocol.Tests.Support;

internal sealed record Broker(int Node, string Host, int Port, string? Rack = null);

/// <summary>Response bodies written field by field from the message schemas, for every version.</summary>
internal static class Responses
{
    public const int CorrelationId = 0x0102_0304;

    public static readonly Broker[] Real = [new(1, "broker-1.internal", 19092, "rack-a"), new(2, "10.0.0.2", 19093), new(3, "broker-3.internal", 19094, "rack-c")];

    public static Broker[] Proxied(Broker[] brokers) => brokers.Select(b => b with { Host = MapTo.ProxyHost, Port = MapTo.ProxyPort(b.Node) }).ToArray();

    // MetadataResponse v0-13: flexible from v9 (header v1).
    public static byte[] Metadata(short v, Broker[] brokers, int topics = 2, byte[]? trailing = null)
    {
        var f = new Frame { Compact = v >= 9 };
        f.Int32(CorrelationId).NoTags();
        if (v >= 3) { f.Int32(17); }                          // throttle_time_ms
        f.Array(brokers.Length);
        foreach (var b in brokers)
        {
            f.Int32(b.Node).String(b.Host).Int32(b.Port);     // node_id, host, port
            if (v >= 1) { f.String(b.Rack); }                 // rack
            f.NoTags();
        }

        if (v >= 2) { f.String("cluster-x"); }                // cluster_id
        if (v >= 1) { f.Int32(brokers.Length > 0 ? brokers[0].Node : -1); } // controller_id
        f.Array(topics);
        for (int t = 0; t < topics; t++)
        {
            f.Int16(0).String($"topic-{t}");                  // error_code, name
            if (v >= 10) { f.Uuid(new Guid(t + 1, 2, 3, [4, 5, 6, 7, 8, 9, 10, 11])); } // topic_id
            if (v >= 1) { f.Bool(false); }                    // is_internal
            f.Array(2);
            for (int p = 0; p < 2; p++)
            {
                f.Int16(0).Int32(p).Int32(1);                 // error_code, partition_index, leader_id
                if (v >= 7) { f.Int32(5); }                   // leader_epoch
                f.Array(1).Int32(1);                          // replica_nodes
                f.Array(1).Int32(1);                          // isr_nodes
                if (v >= 5) { f.Array(0); }                   // offline_replicas
                f.NoTags();
            }

            if (v >= 8) { f.Int32(-2147483648); }             // topic_authorized_operations
            f.NoTags();
        }

        if (v >= 8 && v <= 10) { f.Int32(-2147483648); }      // cluster_authorized_operations
        if (v >= 13) { f.Int16(0); }                          // error_code
        f.NoTags();
        if (trailing is not null) { f.Raw(trailing); }
        return f.Payload;
    }

    // FindCoordinatorResponse v0-6: flexible from v3; v4+ batches coordinators per key.
    public static byte[] FindCoordinator(short v, Broker[] coordinators)
    {
        var f = new Frame { Compact = v >= 3 };
        f.Int32(CorrelationId).NoTags();
        if (v >= 1) { f.Int32(0); }                           // throttle_time_ms
        if (v < 4)
        {
            var c = coordinators[0];
            f.Int16(0);                                       // error_code
            if (v >= 1) { f.String(null); }                   // error_message
            f.Int32(c.Node).String(c.Host).Int32(c.Port);
        }
        else
        {
            f.Array(coordinators.Length);
            foreach (var c in coordinators)
            {
                f.String($"group-{c.Node}").Int32(c.Node).String(c.Host).Int32(c.Port).Int16(0).String(null).NoTags();
            }
        }

        f.NoTags();
        return f.Payload;
    }

    // DescribeClusterResponse v0-2: flexible in all versions.
    public static byte[] DescribeCluster(short v, Broker[] brokers)
    {
        var f = new Frame { Compact = true };
        f.Int32(CorrelationId).NoTags();
        f.Int32(0).Int16(0).String(null);                     // throttle_time_ms, error_code, error_message
        if (v >= 1) { f.Int8(1); }                            // endpoint_type
        f.String("cluster-x").Int32(1);                       // cluster_id, controller_id
        f.Array(brokers.Length);
        foreach (var b in brokers)
        {
            f.Int32(b.Node).String(b.Host).Int32(b.Port).String(b.Rack);
            if (v >= 2) { f.Bool(false); }                    // is_fenced
            f.NoTags();
        }

        f.Int32(-2147483648).NoTags();                        // cluster_authorized_operations
        return f.Payload;
    }

    public static byte[] NodeEndpoints(Broker[] brokers)
    {
        var f = new Frame { Compact = true };
        f.Array(brokers.Length);
        foreach (var b in brokers)
        {
            f.Int32(b.Node).String(b.Host).Int32(b.Port).String(b.Rack).NoTags();
        }

        return f.Payload;
    }

    // ProduceResponse v9-13 (flexible); NodeEndpoints is top-level tag 0 from v10; v13 names topics by id.
    public static byte[] Produce(short v, Broker[]? endpoints, byte[]? otherTag = null)
    {
        var f = new Frame { Compact = true };
        f.Int32(CorrelationId).NoTags();
        f.Array(1);
        if (v >= 13) { f.Uuid(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff")); } else { f.String("orders"); }
        f.Array(2);
        for (int p = 0; p < 2; p++)
        {
            f.Int32(p).Int16(6).Int64(100).Int64(-1).Int64(0);   // index, error_code, base_offset, log_append_time, log_start_offset
            f.Array(1).Int32(0).String("bad batch").NoTags();     // record_errors
            f.String("not leader");                               // error_message
            f.Tags((0, new Frame { Compact = true }.Int32(2).Int32(7).NoTags().Payload)); // current_leader
        }

        f.NoTags();
        f.Int32(0);                                               // throttle_time_ms
        WriteTopLevelTags(f, endpoints, otherTag);
        return f.Payload;
    }

    // FetchResponse v16-18: topic ids, records skipped by length, NodeEndpoints as top-level tag 0.
    public static byte[] Fetch(short v, Broker[]? endpoints, byte[] records, byte[]? otherTag = null)
    {
        var tags = new List<(uint, byte[])>();
        if (endpoints is not null) { tags.Add((0, NodeEndpoints(endpoints))); }
        if (otherTag is not null) { tags.Add((5, otherTag)); }
        return Fetch(v, records, [.. tags]);
    }

    // The same FetchResponse with the top-level tagged fields given (padding fields of a streamed rewrite, say).
    public static byte[] Fetch(short v, byte[] records, (uint Tag, byte[] Data)[] topLevelTags, int topics = 1, int partitions = 1)
    {
        var f = new Frame { Compact = true };
        f.Int32(CorrelationId).NoTags();
        f.Int32(0).Int16(0).Int32(77);                            // throttle_time_ms, error_code, session_id
        f.Array(topics);
        for (int t = 0; t < topics; t++)
        {
            f.Uuid(new Guid(t + 1, 2, 3, [4, 5, 6, 7, 8, 9, 10, 11]));
            f.Array(partitions);
            for (int p = 0; p < partitions; p++)
            {
                f.Int32(p).Int16(6).Int64(10).Int64(10).Int64(0); // index, error_code, hw, lso, log_start_offset
                f.Array(1).Int64(42).Int64(3).NoTags();           // aborted_transactions
                f.Int32(-1);                                      // preferred_read_replica
                f.Bytes(records);                                 // records
                f.Tags((1, new Frame { Compact = true }.Int32(2).Int32(7).NoTags().Payload)); // current_leader
            }

            f.NoTags();
        }

        if (v >= 16) { f.Tags(topLevelTags); }
        return f.Payload;
    }

    // ShareFetchResponse / ShareAcknowledgeResponse v0-2: NodeEndpoints is a regular field.
    public static byte[] Share(bool fetch, short v, Broker[] endpoints, byte[] records)
    {
        var f = new Frame { Compact = true };
        f.Int32(CorrelationId).NoTags();
        f.Int32(0).Int16(0).String(null);                         // throttle_time_ms, error_code, error_message
        if ((fetch && v >= 1) || (!fetch && v >= 2)) { f.Int32(30000); } // acquisition_lock_timeout_ms
        f.Array(1).Uuid(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"));
        f.Array(1);
        f.Int32(0).Int16(0).String(null);                         // partition_index, error_code, error_message
        if (fetch) { f.Int16(0).String(null); }                   // acknowledge_error_code/_message
        f.Int32(2).Int32(7).NoTags();                             // current_leader
        if (fetch)
        {
            f.Bytes(records);
            f.Array(1).Int64(0).Int64(9).Int16(1).NoTags();       // acquired_records
        }

        f.NoTags().NoTags();
        f.Raw(NodeEndpoints(endpoints));
        f.NoTags();
        return f.Payload;
    }

    private static void WriteTopLevelTags(Frame f, Broker[]? endpoints, byte[]? otherTag)
    {
        var tags = new List<(uint, byte[])>();
        if (endpoints is not null) { tags.Add((0, NodeEndpoints(endpoints))); }
        if (otherTag is not null) { tags.Add((5, otherTag)); }
        f.Tags([.. tags]);
    }
}
