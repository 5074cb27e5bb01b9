namespace KafkaProxy.Load.Cluster;

internal sealed record BenchTopic(string Name, int Partitions);
