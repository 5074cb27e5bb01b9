using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Http.Headers;
using Confluent.Kafka;
using KafkaProxy.Load.Cluster;
using KafkaProxy.Load.Hosting;

namespace KafkaProxy.Load.Scenarios;

/// <summary>
/// <paramref name="clients"/> concurrent senders, each sending batches of 100 × 100 B messages for a fixed time and
/// waiting for each batch to be acknowledged by Kafka before the next. Direct: a Confluent.Kafka producer (acks=all,
/// linger 5 ms), a batch counting as done when all its deliveries are reported. Through the gateway: a
/// <c>POST /?wait=true</c>, which answers once Kafka acknowledged every message, the same guarantee.
/// </summary>
internal sealed class GatewayThroughputScenario(int clients, Uri gateway, TimeSpan duration) : IComparedScenario
{
    private const int BatchMessages = 100;
    private const int MessageBytes = 100;

    public string Id => $"gateway-{clients}";

    public string Description => $"HTTP gateway, {clients} concurrent clients, POSTs of {BatchMessages} x {MessageBytes} B acknowledged by Kafka (?wait=true)";

    public Task PrepareAsync(Target direct) => Task.CompletedTask;

    public async Task<IReadOnlyList<Figure>> RunAsync(Target target, ISteadyStateProbe probe)
    {
        Func<Task> sendBatch;
        IDisposable owner;
        if (target.Name == "direct")
        {
            var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
            {
                BootstrapServers = target.BootstrapServers,
                Acks = Acks.All,
                EnableIdempotence = true,
                LingerMs = 5,
            }).Build();
            owner = producer;
            var message = new Message<Null, byte[]> { Value = new byte[MessageBytes] };
            sendBatch = () => Task.WhenAll(Enumerable.Range(0, BatchMessages).Select(_ => producer.ProduceAsync(BenchTopics.Gateway.Name, message)));
        }
        else
        {
            var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(60) };
            owner = http;
            byte[] body = Body();
            sendBatch = async () =>
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                using var request = new HttpRequestMessage(HttpMethod.Post, "?wait=true") { Content = content };
                request.Headers.Add("x-kafka-proxy-token", GatewayProcess.Token);
                using var response = await http.SendAsync(request);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"{Id}: the gateway answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            };
        }

        using (owner)
        {
            await sendBatch(); // warm up: metadata, connections
            var latencies = new List<double>[clients];
            long batches = 0;
            var clock = Stopwatch.StartNew();
            var stopAt = duration;
            var steadyFrom = duration / 5;
            var steadyTo = duration * 4 / 5;
            var measuring = Task.Run(async () =>
            {
                await Task.Delay(steadyFrom);
                probe.Begin();
                await Task.Delay(steadyTo - steadyFrom);
                probe.End();
            });
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
            {
                latencies[i] = [];
                while (clock.Elapsed < stopAt)
                {
                    long start = Stopwatch.GetTimestamp();
                    await sendBatch();
                    latencies[i].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    Interlocked.Increment(ref batches);
                }
            }));
            await measuring;
            double seconds = clock.Elapsed.TotalSeconds;
            var all = latencies.SelectMany(l => l).Order().ToArray();
            return
            [
                new Figure("throughput", batches * BatchMessages / seconds, "msgs/s", HigherIsBetter: true),
                new Figure("p99", all[(int)Math.Min(all.Length - 1, Math.Ceiling(all.Length * 0.99) - 1)], "ms", HigherIsBetter: false),
                new Figure("p50", all[all.Length / 2], "ms", HigherIsBetter: false),
            ];
        }
    }

    private static byte[] Body()
    {
        var body = new byte[BatchMessages * (4 + MessageBytes)];
        for (int i = 0; i < BatchMessages; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(i * (4 + MessageBytes)), MessageBytes);
        }

        return body;
    }
}
