namespace KafkaProxy.Core.Filters;

/// <summary>
/// A filter of the proxy's own that learns when a connection ends, with the logged reason (null for an ordinary close),
/// so that what it kept for the connection's requests still awaiting answers is not lost (the audit writes their lines).
/// Called once per connection, after both pumps stopped.
/// </summary>
internal interface IConnectionClosedObserver
{
    void OnConnectionClosed(KafkaConnectionInfo connection, string? reason);
}
