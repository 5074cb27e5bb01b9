using System.Security.Cryptography;
using KafkaProxy.Testing;
using Microsoft.Extensions.Options;

// The HTTP push gateway: a composition root. Configuration → AddHttpPush → endpoints → run until SIGTERM/SIGINT.
// Settings: KAFKA_PROXY_TOKEN, KAFKA_PROXY_KAFKA_SERVER, KAFKA_PROXY_TOPIC, KAFKA_FLUSHER_* (the disk spool:
// KAFKA_FLUSHER_SPOOL_DIR), or the KafkaProxy:Flusher and KafkaProxy:HttpPush sections); listen addresses and TLS the ASP.NET way (ASPNETCORE_URLS, Kestrel certificates).
var builder = WebApplication.CreateSlimBuilder(args);
var configuration = builder.Configuration;

// With no Kafka configured, a demo: an embedded 3-broker test cluster and a generated token.
bool demo = string.IsNullOrEmpty(configuration["KAFKA_PROXY_KAFKA_SERVER"]) && string.IsNullOrEmpty(configuration["KafkaProxy:Flusher:BootstrapServers"]);
await using var demoCluster = demo ? await KafkaTestCluster.StartAsync(brokers: 3) : null;
if (demoCluster is not null)
{
    string topic = configuration["KAFKA_PROXY_TOPIC"] is { Length: > 0 } configured ? configured : "events";
    demoCluster.CreateTopic(topic, partitions: 3);
    configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["KAFKA_PROXY_KAFKA_SERVER"] = demoCluster.BootstrapServers,
        ["KAFKA_PROXY_TOPIC"] = topic,
        ["KAFKA_PROXY_TOKEN"] = configuration["KAFKA_PROXY_TOKEN"] is { Length: > 0 } token ? token : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
    });
}

builder.Services.AddHttpPush(configuration).AddOperationsEndpoints().AddOtlpExport(configuration, serviceName: "kafka-proxy-gateway");
var app = builder.Build();
app.MapHttpPushGateway();
app.MapKafkaProxyHealth();
app.MapKafkaProxyMetrics();

try
{
    await app.StartAsync();
}
catch (OptionsValidationException ex)
{
    Console.Error.WriteLine("kafka-proxy-gateway: the configuration is not valid:\n  " + string.Join("\n  ", ex.Failures));
    return 2;
}
catch (IOException ex)
{
    // A spool directory that cannot be used, say: the message names the setting.
    Console.Error.WriteLine("kafka-proxy-gateway: could not start: " + ex.Message);
    return 2;
}

if (demoCluster is not null)
{
    string url = app.Urls.First();
    Console.WriteLine($"""

        No KAFKA_PROXY_KAFKA_SERVER given: started an embedded 3-broker test cluster ({demoCluster.BootstrapServers}).
        The gateway listens on {url}, produces to topic '{configuration["KAFKA_PROXY_TOPIC"]}', and takes token {configuration["KAFKA_PROXY_TOKEN"]}
        Try it (Ctrl+C stops both):

          printf '\x05\x00\x00\x00hello' | curl -s --data-binary @- -H 'content-type: application/octet-stream' -H 'x-kafka-proxy-token: {configuration["KAFKA_PROXY_TOKEN"]}' '{url}/?wait=true'
          kcat -C -b {demoCluster.BootstrapServers} -t {configuration["KAFKA_PROXY_TOPIC"]} -o beginning -e

        """);
}

await app.WaitForShutdownAsync();
return 0;
