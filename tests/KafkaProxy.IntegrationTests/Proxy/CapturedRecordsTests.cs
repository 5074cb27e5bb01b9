using System.Buffers;
using Confluent.Kafka;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.Fetch;
using KafkaProxy.Protocol.Messages.Produce;
using KafkaProxy.Protocol.Messages.Records;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Testing;

namespace KafkaProxy.IntegrationTests.Proxy;

/// <summary>
/// Real record batches: the Produce requests and responses and the Fetch responses that real clients and the test
/// cluster exchange decode with the generated models and re-encode to the same bytes, and the batches inside read
/// with <see cref="RecordBatchReader"/>: valid CRC-32C, the producer's id, the compression, every record counted.
/// </summary>
public sealed class CapturedRecordsTests
{
    private const int Messages = 25;

    public static TheoryData<string> ClientNames => new("confluent", "kafka-python");

    [Theory]
    [MemberData(nameof(ClientNames))]
    public async Task CapturedProduceAndFetch_RealClient_DecodeReencodeAndWalkTheirBatches(string client)
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        cluster.CreateTopic("records", partitions: 1);
        await using var relay = new RecordingRelay(cluster.Brokers[0].Host, cluster.Brokers[0].Port);
        cluster.SetAdvertisedAddress(1, "127.0.0.1", relay.Port);

        await DriveAsync(client, $"127.0.0.1:{relay.Port}");

        var produced = relay.Exchanges.Where(e => e.ApiKey == (short)ApiKey.Produce).ToList();
        var fetched = relay.Exchanges.Where(e => e.ApiKey == (short)ApiKey.Fetch).ToList();
        Assert.NotEmpty(produced);
        Assert.NotEmpty(fetched);

        var producedBatches = produced.SelectMany(e => ProducedBatches(e)).ToList();
        Assert.Equal(Messages, producedBatches.Sum(b => b.RecordCount));
        Assert.All(producedBatches, b => Assert.Equal((sbyte)2, b.Magic));
        if (client == "confluent")
        {
            // The producer is idempotent and compresses with lz4 (see DriveAsync).
            Assert.All(producedBatches, b => Assert.Equal((true, RecordCompression.Lz4), (b.ProducerId >= 0, b.Compression)));
        }

        var fetchedBatches = fetched.SelectMany(e => FetchedBatches(e)).ToList();
        Assert.True(fetchedBatches.Sum(b => b.RecordCount) >= Messages, $"fetched {fetchedBatches.Sum(b => b.RecordCount)} records");
        Assert.Subset(fetchedBatches.Select(b => b.ProducerId).ToHashSet(), producedBatches.Select(b => b.ProducerId).ToHashSet());
    }

    private static async Task DriveAsync(string client, string bootstrap)
    {
        if (client == "confluent")
        {
            using (var producer = Clients.Producer(bootstrap, tune: c => c.CompressionType = CompressionType.Lz4))
            {
                Clients.ProduceNumbered(producer, "records", Messages);
            }

            using var consumer = Clients.Consumer(bootstrap, "records-group");
            consumer.Subscribe("records");
            Clients.Consume(consumer, Messages);
            consumer.Close();
            return;
        }

        const string script = """
            import sys
            from kafka import KafkaProducer, KafkaConsumer
            p = KafkaProducer(bootstrap_servers=sys.argv[1])
            for i in range(int(sys.argv[2])): p.send('records', ('m-%d' % i).encode())
            p.flush(30); p.close()
            c = KafkaConsumer('records', bootstrap_servers=sys.argv[1], auto_offset_reset='earliest', consumer_timeout_ms=5000)
            print(sum(1 for _ in c)); c.close()
            """;
        var python = await ExternalProcess.RunAsync("/usr/bin/python3", ["-c", script, bootstrap, Messages.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(90));
        Assert.True(python.ExitCode == 0, python.ToString());
        Assert.Equal(Messages.ToString(System.Globalization.CultureInfo.InvariantCulture), python.StandardOutput.Trim());
    }

    private static List<RecordBatchHeader> ProducedBatches(RecordingRelay.Exchange exchange)
    {
        byte[] body = RequestBody(exchange);
        var reader = new KafkaReader(new ReadOnlySequence<byte>(body), exchange.ApiKey, exchange.ApiVersion);
        var request = ProduceRequest.Read(ref reader, exchange.ApiVersion);
        Assert.True(reader.End, $"Produce v{exchange.ApiVersion} request: {reader.Remaining} bytes left");
        AssertWritesTheSame(body, w => request.Write(w, exchange.ApiVersion), request.Size(exchange.ApiVersion), $"Produce v{exchange.ApiVersion} request");

        byte[] responseBody = ResponseBody(exchange);
        var responseReader = new KafkaReader(new ReadOnlySequence<byte>(responseBody), exchange.ApiKey, exchange.ApiVersion);
        var response = ProduceResponse.Read(ref responseReader, exchange.ApiVersion);
        Assert.True(responseReader.End, $"Produce v{exchange.ApiVersion} response: {responseReader.Remaining} bytes left");
        AssertWritesTheSame(responseBody, w => response.Write(w, exchange.ApiVersion), response.Size(exchange.ApiVersion), $"Produce v{exchange.ApiVersion} response");
        Assert.All(response.Responses.SelectMany(t => t.PartitionResponses), p => Assert.Equal(0, p.ErrorCode));

        var batches = new List<RecordBatchHeader>();
        foreach (var partition in request.TopicData.SelectMany(t => t.PartitionData))
        {
            batches.AddRange(Walk(partition.Records, exchange, allowPartial: false));
        }

        return batches;
    }

    private static List<RecordBatchHeader> FetchedBatches(RecordingRelay.Exchange exchange)
    {
        byte[] body = ResponseBody(exchange);
        var reader = new KafkaReader(new ReadOnlySequence<byte>(body), exchange.ApiKey, exchange.ApiVersion);
        var response = FetchResponse.Read(ref reader, exchange.ApiVersion);
        Assert.True(reader.End, $"Fetch v{exchange.ApiVersion} response: {reader.Remaining} bytes left");
        AssertWritesTheSame(body, w => response.Write(w, exchange.ApiVersion), response.Size(exchange.ApiVersion), $"Fetch v{exchange.ApiVersion} response");

        var batches = new List<RecordBatchHeader>();
        foreach (var partition in response.Responses.SelectMany(t => t.Partitions))
        {
            batches.AddRange(Walk(partition.Records, exchange, allowPartial: true));
        }

        return batches;
    }

    private static List<RecordBatchHeader> Walk(ReadOnlySequence<byte>? records, RecordingRelay.Exchange exchange, bool allowPartial)
    {
        var headers = new List<RecordBatchHeader>();
        if (records is not { } bytes)
        {
            return headers;
        }

        var batches = new RecordBatchReader(bytes, exchange.ApiKey, exchange.ApiVersion);
        while (batches.TryReadNext(out var header, out var batch))
        {
            Assert.True(RecordBatchReader.IsCrcValid(header, batch), $"api key {exchange.ApiKey} v{exchange.ApiVersion}: CRC of the batch at offset {header.BaseOffset}");
            headers.Add(header);
        }

        Assert.True(allowPartial || !batches.EndsWithPartialBatch, "a Produce request ends inside a batch");
        return headers;
    }

    private static void AssertWritesTheSame(byte[] body, Action<IBufferWriter<byte>> write, int size, string what)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        Assert.True(output.WrittenSpan.SequenceEqual(body), what + " re-encodes differently");
        Assert.Equal(body.Length, size);
    }

    private static byte[] RequestBody(RecordingRelay.Exchange exchange)
    {
        var header = RequestHeader.Read(new ReadOnlySequence<byte>(exchange.Request));
        var reader = new KafkaReader(new ReadOnlySequence<byte>(exchange.Request), exchange.ApiKey, exchange.ApiVersion);
        header.SkipHeader(ref reader);
        return exchange.Request[(int)reader.Consumed..];
    }

    private static byte[] ResponseBody(RecordingRelay.Exchange exchange)
    {
        var reader = new KafkaReader(new ReadOnlySequence<byte>(exchange.Response), exchange.ApiKey, exchange.ApiVersion);
        ResponseHeader.Skip(ref reader, exchange.ApiKey, exchange.ApiVersion);
        return exchange.Response[(int)reader.Consumed..];
    }
}
