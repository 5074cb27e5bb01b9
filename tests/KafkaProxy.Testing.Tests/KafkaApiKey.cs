namespace KafkaProxy.Testing.Tests;

internal static class KafkaApiKey
{
    public const short Produce = 0;
    public const short Metadata = 3;
    public const short ApiVersions = 18;
}
