namespace KafkaProxy.Core.Proxy.Transport;

/// <summary>What a connection's deadlines and metrics need to hear from a <see cref="SocketSplicer"/> while it moves a frame.</summary>
internal interface ISpliceProgress
{
    /// <summary>Bytes of the frame arrived from the sending peer (the connection is not idle).</summary>
    void Arrived(bool toClient);

    /// <summary>Bytes of the frame went out to the receiving peer (counted as they go, so a move that fails part way counts what it moved).</summary>
    void Moved(bool toClient, long bytes);

    /// <summary>A send began to wait for the receiving peer to read (true) or finished (false): the write deadline counts meanwhile.</summary>
    void SendWaiting(bool toClient, bool waiting);
}
