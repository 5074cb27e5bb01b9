using System.Buffers;
using Confluent.Kafka;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.ApiVersions;
using KafkaProxy.Protocol.Messages.FindCoordinator;
using KafkaProxy.Protocol.Messages.Metadata;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Testing;

namespace KafkaProxy.IntegrationTests.Proxy;

/// <summary>
/// What real clients and the test cluster actually send, captured on the wire: every ApiVersions, Metadata and
/// FindCoordinator request and response decodes with the protocol models and re-encodes to the same bytes.
/// </summary>
public sealed class CapturedExchangeTests
{
    public static TheoryData<string> ClientNames => new("confluent", "kcat", "kafka-python");

    [Theory]
    [MemberData(nameof(ClientNames))]
    public async Task CapturedExchanges_RealClient_DecodeAndReencodeIdentically(string client)
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        cluster.CreateTopic("captured", partitions: 1);
        await using var relay = new RecordingRelay(cluster.Brokers[0].Host, cluster.Brokers[0].Port);
        cluster.SetAdvertisedAddress(1, "127.0.0.1", relay.Port); // every connection of the client goes through the relay
        string bootstrap = $"127.0.0.1:{relay.Port}";

        await DriveAsync(client, bootstrap);

        var exchanges = relay.Exchanges.Where(e => e.ApiKey is (short)ApiKey.ApiVersions or (short)ApiKey.Metadata or (short)ApiKey.FindCoordinator).ToList();
        Assert.Contains(exchanges, e => e.ApiKey == (short)ApiKey.Metadata);
        Assert.Contains(exchanges, e => e.ApiKey == (short)ApiKey.FindCoordinator);
        foreach (var exchange in exchanges)
        {
            AssertRoundTrip(exchange);
        }
    }

    private static async Task DriveAsync(string client, string bootstrap)
    {
        switch (client)
        {
            case "confluent":
                using (var producer = Clients.Producer(bootstrap))
                {
                    Clients.ProduceNumbered(producer, "captured", 10);
                }

                using (var consumer = Clients.Consumer(bootstrap, "capture-group"))
                {
                    consumer.Subscribe("captured");
                    Clients.Consume(consumer, 10);
                    consumer.Commit();
                    consumer.Close();
                }

                break;
            case "kcat":
                var produce = await ExternalProcess.RunAsync("kcat", ["-P", "-b", bootstrap, "-t", "captured"], Clients.Patience, "a\nb\n");
                Assert.True(produce.ExitCode == 0, produce.ToString());
                var group = await ExternalProcess.RunAsync("kcat", ["-b", bootstrap, "-G", "kcat-group", "-o", "beginning", "-e", "-q", "-X", "session.timeout.ms=6000", "captured"], Clients.Patience);
                Assert.True(group.ExitCode == 0, group.ToString());
                break;
            default:
                const string script = """
                    import sys
                    from kafka import KafkaProducer, KafkaConsumer
                    p = KafkaProducer(bootstrap_servers=sys.argv[1]); p.send('captured', b'x'); p.flush(30); p.close()
                    c = KafkaConsumer('captured', bootstrap_servers=sys.argv[1], group_id='py-capture', auto_offset_reset='earliest', consumer_timeout_ms=5000, session_timeout_ms=6000)
                    print(sum(1 for _ in c)); c.commit(); c.close()
                    """;
                var python = await ExternalProcess.RunAsync("/usr/bin/python3", ["-c", script, bootstrap], TimeSpan.FromSeconds(90));
                Assert.True(python.ExitCode == 0, python.ToString());
                break;
        }
    }

    private static void AssertRoundTrip(RecordingRelay.Exchange exchange)
    {
        var header = RequestHeader.Read(new ReadOnlySequence<byte>(exchange.Request));
        var request = new KafkaReader(new ReadOnlySequence<byte>(exchange.Request), exchange.ApiKey, exchange.ApiVersion);
        header.SkipHeader(ref request);
        byte[] requestBody = exchange.Request[(int)request.Consumed..];

        var response = new KafkaReader(new ReadOnlySequence<byte>(exchange.Response), exchange.ApiKey, exchange.ApiVersion);
        ResponseHeader.Skip(ref response, exchange.ApiKey, exchange.ApiVersion);
        byte[] responseBody = exchange.Response[(int)response.Consumed..];
        string what = $"api key {exchange.ApiKey} v{exchange.ApiVersion}";

        Assert.True(Reencode(exchange.ApiKey, exchange.ApiVersion, requestBody, isRequest: true).AsSpan().SequenceEqual(requestBody), what + " request");
        if (exchange.ApiKey == (short)ApiKey.ApiVersions && responseBody is [0x00, 0x23, ..])
        {
            return; // error 35: the mock's fallback layout is its own (see ApiVersionsResponseWalker); clients then retry lower
        }

        Assert.True(Reencode(exchange.ApiKey, exchange.ApiVersion, responseBody, isRequest: false).AsSpan().SequenceEqual(responseBody), what + " response");
    }

    private static byte[] Reencode(short apiKey, short version, byte[] body, bool isRequest)
    {
        var reader = new KafkaReader(new ReadOnlySequence<byte>(body), apiKey, version);
        var output = new ArrayBufferWriter<byte>();
        switch ((ApiKey)apiKey, isRequest)
        {
            case (ApiKey.ApiVersions, true): ApiVersionsRequest.Read(ref reader, version).Write(output, version); break;
            case (ApiKey.ApiVersions, false): ApiVersionsResponse.Read(ref reader, version).Write(output, version); break;
            case (ApiKey.Metadata, true): MetadataRequest.Read(ref reader, version).Write(output, version); break;
            case (ApiKey.Metadata, false): MetadataResponse.Read(ref reader, version).Write(output, version); break;
            case (ApiKey.FindCoordinator, true): FindCoordinatorRequest.Read(ref reader, version).Write(output, version); break;
            default: FindCoordinatorResponse.Read(ref reader, version).Write(output, version); break;
        }

        // The model must read the whole body; the one known exception is the mock's flexible Metadata response,
        // which ends with exactly one byte past its last field (a proxy must keep it, see the rewriter tests).
        byte[] encoded = output.WrittenSpan.ToArray();
        bool knownTrailingByte = !isRequest && (ApiKey)apiKey == ApiKey.Metadata && version >= 9 && reader.Remaining == 1;
        Assert.True(reader.Remaining == 0 || knownTrailingByte, $"api key {apiKey} v{version}: {reader.Remaining} bytes left after the model");
        return knownTrailingByte ? [.. encoded, .. body[(int)reader.Consumed..]] : encoded;
    }
}
