namespace KafkaProxy.Load.Scenarios;

/// <summary>What N idle client connections cost the proxy process.</summary>
/// <param name="Connections">Client connections held open (each with its own upstream connection).</param>
/// <param name="RssBeforeBytes">The proxy's resident set before the first connection.</param>
/// <param name="RssAfterBytes">The proxy's resident set with all of them open and idle.</param>
/// <param name="AllocatedBytes">Managed bytes the proxy allocated while they were opened (dotnet.gc.heap.total_allocated).</param>
/// <param name="OpenSeconds">How long opening all of them took.</param>
internal sealed record ConnectionScaleResult(int Connections, long RssBeforeBytes, long RssAfterBytes, double AllocatedBytes, double OpenSeconds)
{
    public double RssBytesPerConnection => (RssAfterBytes - RssBeforeBytes) / (double)Connections;

    public double AllocatedBytesPerConnection => AllocatedBytes / Connections;
}
