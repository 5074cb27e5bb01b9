namespace KafkaProxy.Core.Configuration;

/// <summary>Socket settings for one side of the proxy.</summary>
public sealed class SocketOptions
{
    // Reached through KafkaProxyOptions only.
    internal SocketOptions()
    {
    }

    /// <summary>SO_RCVBUF in bytes; 0 keeps the OS default.</summary>
    public int ReceiveBufferSize { get; set; }

    /// <summary>SO_SNDBUF in bytes; 0 keeps the OS default.</summary>
    public int SendBufferSize { get; set; }

    /// <summary>TCP keep-alive idle time before probes; zero or negative turns keep-alive off.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(60);
}
