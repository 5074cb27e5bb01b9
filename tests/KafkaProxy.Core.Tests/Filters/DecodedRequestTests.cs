using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Filters;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.CreateTopics;
using KafkaProxy.Protocol.Messages.Fetch;
using KafkaProxy.Protocol.Messages.Produce;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Core.Tests.Filters;

/// <summary>The decoded tier: views read from request bodies, and RefuseWithError's error responses in the request's own layout.</summary>
public sealed class DecodedRequestTests
{
    private const short Produce = 0;
    private const short Metadata = 3;
    private const short CreateTopics = 19;
    private static readonly Guid OrdersId = Guid.Parse("6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8");

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(9)]  // flexible
    [InlineData(12)]
    public void ReadProduce_TwoTopics_ViewCarriesTheRequestAndItsBatchHeaders(short version)
    {
        var request = Request(Produce, version, ProduceBody(version));

        var view = request.ReadProduce();

        Assert.Equal((short)-1, view.Acks);
        Assert.Equal(30_000, view.TimeoutMs);
        Assert.Equal("tx-1", view.TransactionalId);
        Assert.Equal(["orders", "audit"], view.Topics.Select(t => t.Name));
        Assert.All(view.Topics, t => Assert.Null(t.TopicId));
        Assert.Equal([0, 2], view.Topics[0].Partitions.Select(p => p.Index));
        var first = Assert.Single(view.Topics[0].Partitions[0].Batches);
        Assert.Equal((0L, (byte)2, RecordCompressionCodec.Gzip, true, false), (first.BaseOffset, first.Magic, first.Compression, first.IsTransactional, first.IsControl));
        Assert.Equal((4711L, (short)3, 10, 5, 61 + 20), (first.ProducerId, first.ProducerEpoch, first.BaseSequence, first.RecordCount, first.SizeInBytes));
        var batches = view.Topics[0].Partitions[1].Batches;
        Assert.Equal(2, batches.Count);
        Assert.Equal((RecordCompressionCodec.Zstd, false, -1L, (short)-1, 1, 61 + 7), (batches[1].Compression, batches[1].IsTransactional, batches[1].ProducerId, batches[1].ProducerEpoch, batches[1].RecordCount, batches[1].SizeInBytes));
        Assert.Empty(Assert.Single(view.Topics[1].Partitions).Batches); // null records
    }

    [Fact]
    public void ReadProduce_V13_TopicsNamedByIdOnly()
    {
        var request = Request(Produce, 13, ProduceBody(13));

        var topic = request.ReadProduce().Topics[0];

        Assert.Null(topic.Name);
        Assert.Equal(OrdersId, topic.TopicId);
    }

    [Fact]
    public void ReadProduce_EveryByteInItsOwnSegment_ReadsTheSame()
    {
        byte[] body = ProduceBody(9);

        var whole = Request(Produce, 9, body).ReadProduce();
        var split = Request(Produce, 9, ReadOnlySequenceFactory.OneBytePerSegment(body)).ReadProduce();

        Assert.Equal(Describe(whole), Describe(split));
    }

    [Fact]
    public void ReadProduce_CalledTwice_ReadsOnce_ForwardWithANewBodyReadsAgain()
    {
        var request = Request(Produce, 9, ProduceBody(9));
        var first = request.ReadProduce();

        Assert.Same(first, request.ReadProduce());
        request.Forward(ProduceBody(9, acks: 1));
        var again = request.ReadProduce();

        Assert.NotSame(first, again);
        Assert.Equal((short)1, again.Acks);
    }

    [Fact]
    public void ReadProduce_OnAnotherApiKey_InvalidOperationNamingTheKeys()
    {
        var request = Request(Metadata, 12, [0, 0, 0, 0]);

        var ex = Assert.Throws<InvalidOperationException>(request.ReadProduce);

        Assert.Equal("ReadProduce reads a Produce request (api key 0), but this request has api key 3: check ApiKey first.", ex.Message);
        Assert.Contains("api key 19", Assert.Throws<InvalidOperationException>(request.ReadCreateTopics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadProduce_VersionNewerThanTheCodecs_NotSupportedNamingTheRange()
    {
        var request = Request(Produce, 14, ProduceBody(13));

        var ex = Assert.Throws<NotSupportedException>(request.ReadProduce);

        Assert.StartsWith("Produce (api key 0) v14 is outside the versions the proxy decodes (0-13)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadProduce_RecordsEndInsideABatch_KafkaProtocolException()
    {
        var produce = new ProduceRequest { Acks = -1, TimeoutMs = 1000 };
        byte[] batch = Batch(attributes: 0, producerId: -1, epoch: -1, sequence: -1, records: 2, recordBytes: 30);
        produce.TopicData.Add(Topic("orders", Partition(0, batch.AsSpan(0, batch.Length - 5).ToArray())));
        var request = Request(Produce, 9, Encode(w => produce.Write(w, 9)));

        var ex = Assert.Throws<KafkaProtocolException>(request.ReadProduce);

        Assert.Contains("records end inside a record batch", ex.Message, StringComparison.Ordinal);
        Assert.Equal((short)0, ex.ApiKey);
    }

    [Fact]
    public void ReadProduce_TruncatedBody_KafkaProtocolException()
    {
        byte[] body = ProduceBody(9);
        var request = Request(Produce, 9, body.AsSpan(0, body.Length / 2).ToArray());

        Assert.Throws<KafkaProtocolException>(request.ReadProduce);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(5)] // flexible
    [InlineData(7)]
    public void ReadCreateTopics_TopicsWithAssignmentsAndConfigs_ViewCarriesThem(short version)
    {
        var request = Request(CreateTopics, version, CreateTopicsBody(version));

        var view = request.ReadCreateTopics();

        Assert.Equal(15_000, view.TimeoutMs);
        Assert.Equal(version >= 1, view.ValidateOnly);
        Assert.Equal(["orders", "placed"], view.Topics.Select(t => t.Name));
        var orders = view.Topics[0];
        Assert.Equal((6, (short)3), (orders.Partitions, orders.ReplicationFactor));
        Assert.Empty(orders.Assignments);
        Assert.Equal([KeyValuePair.Create("retention.ms", (string?)"60000"), KeyValuePair.Create("cleanup.policy", (string?)null)], orders.Configs);
        var placed = view.Topics[1];
        Assert.Equal((-1, (short)-1), (placed.Partitions, placed.ReplicationFactor));
        Assert.Equal(["0:1,2", "1:2,3"], placed.Assignments.Select(a => $"{a.PartitionIndex}:{string.Join(',', a.BrokerIds)}"));
    }

    [Theory]
    [InlineData(3, null)]
    [InlineData(7, null)]
    [InlineData(8, "not for you")]  // the first version with a per-partition error message
    [InlineData(9, "not for you")]
    [InlineData(13, "not for you")]
    public void RefuseWithError_Produce_EveryPartitionGetsTheCode_TheReasonWhereTheVersionHasAMessage(short version, string? expectedMessage)
    {
        var request = Request(Produce, version, ProduceBody(version));

        request.RefuseWithError(29, "not for you");

        Assert.Equal(RequestDecision.Respond, request.Decision);
        Assert.Equal("test-filter", request.DecidedBy);
        Assert.Equal("not for you", request.RefusalReason);
        var response = ReadProduceResponse(request.ResponseBody, version);
        Assert.Equal(version >= 13 ? [string.Empty, string.Empty] : ["orders", "audit"], response.Responses.Select(t => t.Name));
        Assert.Equal(version >= 13 ? [OrdersId, OrdersId] : [Guid.Empty, Guid.Empty], response.Responses.Select(t => t.TopicId));
        Assert.Equal([(0, 0), (0, 2), (1, 0)], response.Responses.SelectMany((t, i) => t.PartitionResponses.Select(p => (i, p.Index))));
        Assert.All(response.Responses.SelectMany(t => t.PartitionResponses), p =>
        {
            Assert.Equal((short)29, p.ErrorCode);
            Assert.Equal(-1, p.BaseOffset);
            Assert.Equal(expectedMessage, p.ErrorMessage);
        });
    }

    [Fact]
    public void RefuseWithError_PerTopicMessages_EachTopicSaysItsOwn()
    {
        var request = Request(Produce, 9, ProduceBody(9));

        request.RefuseWithError(29, "audit is not allowed", t => t == 0 ? "not written: another topic was refused" : null);

        var response = ReadProduceResponse(request.ResponseBody, 9);
        Assert.Equal(["not written: another topic was refused", "not written: another topic was refused", "audit is not allowed"], response.Responses.SelectMany(t => t.PartitionResponses).Select(p => p.ErrorMessage));
        Assert.Equal("audit is not allowed", request.RefusalReason);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, "policy says no")]
    [InlineData(5, "policy says no")]
    [InlineData(7, "policy says no")]
    public void RefuseWithError_CreateTopics_EveryTopicGetsTheCode(short version, string? expectedMessage)
    {
        var request = Request(CreateTopics, version, CreateTopicsBody(version));

        request.RefuseWithError(44, "policy says no");

        var reader = new KafkaReader(new ReadOnlySequence<byte>(request.ResponseBody), CreateTopics, version);
        var response = CreateTopicsResponse.Read(ref reader, version);
        Assert.Equal(0, reader.Remaining);
        Assert.Equal(["orders", "placed"], response.Topics.Select(t => t.Name));
        Assert.All(response.Topics, t =>
        {
            Assert.Equal((short)44, t.ErrorCode);
            Assert.Equal(expectedMessage, t.ErrorMessage);
            Assert.Equal((-1, (short)-1), (t.NumPartitions, t.ReplicationFactor));
        });
    }

    [Theory]
    [InlineData(4)]
    [InlineData(11)]
    [InlineData(12)] // flexible
    [InlineData(13)] // topic ids
    [InlineData(16)]
    public void RefuseWithError_Fetch_EveryPartitionGetsTheCodeNoRecordsNoSession(short version)
    {
        var fetch = new FetchRequest
        {
            MaxWaitMs = 500, MinBytes = 1, SessionId = 7, SessionEpoch = 3,
            Topics =
            [
                new FetchRequestTopic { Topic = "orders", TopicId = OrdersId, Partitions = [new() { Partition = 0, FetchOffset = 5 }, new() { Partition = 2, FetchOffset = 9 }] },
                new FetchRequestTopic { Topic = "audit", TopicId = OrdersId, Partitions = [new() { Partition = 1 }] },
            ],
        };
        var writer = new ArrayBufferWriter<byte>();
        fetch.Write(writer, version);
        var request = Request(1, version, writer.WrittenSpan.ToArray());

        request.RefuseWithError(6, "leader election");

        var reader = new KafkaReader(new ReadOnlySequence<byte>(request.ResponseBody), 1, version);
        var response = FetchResponse.Read(ref reader, version);
        Assert.Equal(0, reader.Remaining);
        Assert.Equal((0, (short)0), (response.SessionId, response.ErrorCode));
        Assert.Equal(version >= 13 ? [string.Empty, string.Empty] : ["orders", "audit"], response.Responses.Select(t => t.Topic));
        Assert.Equal([(0, 0), (0, 2), (1, 1)], response.Responses.SelectMany((t, i) => t.Partitions.Select(p => (i, p.PartitionIndex))));
        Assert.All(response.Responses.SelectMany(t => t.Partitions), p =>
        {
            Assert.Equal((short)6, p.ErrorCode);
            Assert.Equal(-1L, p.HighWatermark);
            Assert.Equal(0, p.Records?.Length);
        });
    }

    [Fact]
    public void RefuseWithError_ProduceWithAcksZero_ClosesWithTheReason()
    {
        var request = Request(Produce, 9, ProduceBody(9, acks: 0), expectsResponse: false);

        request.RefuseWithError(29, "principal 'bob' may not produce to orders");

        Assert.Equal(RequestDecision.Close, request.Decision);
        Assert.Equal("principal 'bob' may not produce to orders (error 29; a Produce with acks=0 has no response to carry it)", request.CloseReason);
    }

    [Fact]
    public void RefuseWithError_AnotherApiKey_NotSupportedNamingTheKey()
    {
        var request = Request(Metadata, 12, [0, 0, 0, 0]);

        var ex = Assert.Throws<NotSupportedException>(() => request.RefuseWithError(29, "no"));

        Assert.Contains("not for api key 3", ex.Message, StringComparison.Ordinal);
        Assert.Equal(RequestDecision.Forward, request.Decision);
    }

    [Fact]
    public async Task FilterChain_FilterReadsAMalformedBody_ProtocolExceptionPassesAsABadMessage()
    {
        var reading = new Reading();
        var chains = FilterChains.Create([reading]);
        byte[] body = ProduceBody(9);
        var request = Request(Produce, 9, body.AsSpan(0, 9).ToArray());

        // Not wrapped as the filter's failure: the connection counts it as a malformed message from the client.
        await Assert.ThrowsAsync<KafkaProtocolException>(() => chains.RunAsync(request, new FilterDeadline(TimeProvider.System), TimeSpan.FromSeconds(10)).AsTask());
    }

    private sealed class Reading : IKafkaRequestFilter
    {
        public string Name => "reading";

        public bool WantsRequest(short apiKey, short apiVersion) => apiKey == Produce;

        public ValueTask OnRequestAsync(KafkaRequest request, CancellationToken cancellationToken)
        {
            _ = request.ReadProduce();
            return ValueTask.CompletedTask;
        }
    }

    // Produce: "orders" partitions 0 (one gzip transactional batch) and 2 (two batches), "audit" partition 0 (null records).
    private static byte[] ProduceBody(short version, short acks = -1)
    {
        var produce = new ProduceRequest { Acks = acks, TimeoutMs = 30_000, TransactionalId = "tx-1" };
        byte[] gzipTransactional = Batch(attributes: 0x01 | 0x10, producerId: 4711, epoch: 3, sequence: 10, records: 5, recordBytes: 20);
        byte[] twoBatches = [.. Batch(0, -1, -1, -1, 2, 9), .. Batch(attributes: 0x04, producerId: -1, epoch: -1, sequence: -1, records: 1, recordBytes: 7)];
        produce.TopicData.Add(Topic("orders", Partition(0, gzipTransactional), Partition(2, twoBatches)));
        produce.TopicData.Add(Topic("audit", Partition(0, null)));
        return Encode(w => produce.Write(w, version));
    }

    private static ProduceRequestTopic Topic(string name, params ProduceRequestPartition[] partitions)
    {
        var topic = new ProduceRequestTopic { Name = name, TopicId = OrdersId };
        foreach (var partition in partitions)
        {
            topic.PartitionData.Add(partition);
        }

        return topic;
    }

    private static ProduceRequestPartition Partition(int index, byte[]? records) =>
        new() { Index = index, Records = records is null ? null : new ReadOnlySequence<byte>(records) };

    // A magic 2 record batch: the 61-byte header (protocol guide, "Record Batch"), then recordBytes of stand-in records.
    private static byte[] Batch(short attributes, long producerId, short epoch, int sequence, int records, int recordBytes)
    {
        var batch = new byte[61 + recordBytes];
        var span = batch.AsSpan();
        BinaryPrimitives.WriteInt64BigEndian(span, 0);                      // base offset
        BinaryPrimitives.WriteInt32BigEndian(span[8..], 49 + recordBytes);  // batch length, after the base offset and itself
        BinaryPrimitives.WriteInt32BigEndian(span[12..], -1);               // partition leader epoch
        span[16] = 2;                                                       // magic
        BinaryPrimitives.WriteUInt32BigEndian(span[17..], 0);               // crc (not checked by the view)
        BinaryPrimitives.WriteInt16BigEndian(span[21..], attributes);
        BinaryPrimitives.WriteInt32BigEndian(span[23..], records - 1);      // last offset delta
        BinaryPrimitives.WriteInt64BigEndian(span[27..], 1_700_000_000_000);  // base timestamp
        BinaryPrimitives.WriteInt64BigEndian(span[35..], 1_700_000_000_000);  // max timestamp
        BinaryPrimitives.WriteInt64BigEndian(span[43..], producerId);
        BinaryPrimitives.WriteInt16BigEndian(span[51..], epoch);
        BinaryPrimitives.WriteInt32BigEndian(span[53..], sequence);
        BinaryPrimitives.WriteInt32BigEndian(span[57..], records);
        span[61..].Fill(0xAB);
        return batch;
    }

    private static byte[] CreateTopicsBody(short version)
    {
        var create = new CreateTopicsRequest { TimeoutMs = 15_000, ValidateOnly = version >= 1 };
        var orders = new CreateTopicsRequestTopic { Name = "orders", NumPartitions = 6, ReplicationFactor = 3 };
        orders.Configs.Add(new CreateTopicsRequestConfig { Name = "retention.ms", Value = "60000" });
        orders.Configs.Add(new CreateTopicsRequestConfig { Name = "cleanup.policy", Value = null });
        var placed = new CreateTopicsRequestTopic { Name = "placed", NumPartitions = -1, ReplicationFactor = -1 };
        placed.Assignments.Add(new CreateTopicsRequestAssignment { PartitionIndex = 0, BrokerIds = [1, 2] });
        placed.Assignments.Add(new CreateTopicsRequestAssignment { PartitionIndex = 1, BrokerIds = [2, 3] });
        create.Topics.Add(orders);
        create.Topics.Add(placed);
        return Encode(w => create.Write(w, version));
    }

    private static ProduceResponse ReadProduceResponse(ReadOnlyMemory<byte> body, short version)
    {
        var reader = new KafkaReader(new ReadOnlySequence<byte>(body), Produce, version);
        var response = ProduceResponse.Read(ref reader, version);
        Assert.Equal(0, reader.Remaining);
        return response;
    }

    private static string Describe(ProduceRequestView view) => string.Join(";", view.Topics.Select(t =>
        $"{t.Name}:" + string.Join(",", t.Partitions.Select(p => $"{p.Index}[" + string.Join(" ", p.Batches.Select(b => $"{b.Compression}/{b.ProducerId}/{b.RecordCount}/{b.SizeInBytes}")) + "]"))));

    private static KafkaRequest Request(short apiKey, short version, byte[] body, bool expectsResponse = true) =>
        Request(apiKey, version, new ReadOnlySequence<byte>(body), expectsResponse);

    private static KafkaRequest Request(short apiKey, short version, ReadOnlySequence<byte> body, bool expectsResponse = true)
    {
        byte[] header = new byte[8];
        BinaryPrimitives.WriteInt16BigEndian(header, apiKey);
        BinaryPrimitives.WriteInt16BigEndian(header.AsSpan(2), version);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), 42);
        var connection = new KafkaConnectionInfo(1, new IPEndPoint(IPAddress.Loopback, 50000), new HostPort("broker", 9092), new IPEndPoint(IPAddress.Loopback, 19092));
        return new KafkaRequest(RequestHeader.Read(new ReadOnlySequence<byte>(header)), "test", new ReadOnlySequence<byte>(header), body, expectsResponse, connection) { CurrentFilter = "test-filter" };
    }

    private static byte[] Encode(Action<IBufferWriter<byte>> write)
    {
        var writer = new ArrayBufferWriter<byte>();
        write(writer);
        return writer.WrittenSpan.ToArray();
    }
}
