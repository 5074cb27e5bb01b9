namespace KafkaProxy.Http.Gateway;

/// <summary>
/// What one push body may hold; parsing stops at the first limit crossed. <paramref name="MaxMessages"/> and
/// <paramref name="MaxMessageBytesTotal"/> are the flusher's whole buffer: a body beyond them could never be queued.
/// </summary>
internal readonly record struct PushLimits(int MaxMessageBytes, long MaxRequestBytes, int MaxMessages, long MaxMessageBytesTotal);
