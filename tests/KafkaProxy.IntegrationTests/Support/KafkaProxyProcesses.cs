namespace KafkaProxy.IntegrationTests.Support;

/// <summary>
/// The classes that run kafka-proxy processes: they take turns, because a process started without flags serves HTTP on
/// the fixed default port 127.0.0.1:9080.
/// </summary>
[CollectionDefinition(Name)]
public sealed class KafkaProxyProcesses
{
    public const string Name = "kafka-proxy command";
}
