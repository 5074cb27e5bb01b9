namespace KafkaProxy.Core.Proxy.Transport;

/// <summary>What a connection's deadlines need to hear from a <see cref="SocketSplicer"/> while it moves a frame.</summary>
internal interface ISpliceProgress
{
    /// <summary>Bytes of the frame arrived from the sending peer (the connection is not idle).</summary>
    void Arrived(bool toClient);

    /// <summary>A send began to wait for the receiving peer to read (true) or finished (false): the write deadline counts meanwhile.</summary>
    void SendWaiting(bool toClient, bool waiting);
}
