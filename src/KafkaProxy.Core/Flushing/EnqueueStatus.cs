namespace KafkaProxy.Core.Flushing;

/// <summary>Whether the flusher took a request's messages. Anything but <see cref="Accepted"/> took none of them.</summary>
internal enum EnqueueStatus
{
    /// <summary>All messages are held and will be produced.</summary>
    Accepted,

    /// <summary>The buffer has no room for them now; try again later.</summary>
    BufferFull,

    /// <summary>The request alone holds more messages or bytes than the whole buffer; it can never fit.</summary>
    ExceedsCapacity,

    /// <summary>The spool has no room for them now; try again later.</summary>
    SpoolFull,

    /// <summary>The spool could not write them to disk (logged); nothing was taken.</summary>
    SpoolFailed,

    /// <summary>The flusher is not running (not started yet, or shutting down).</summary>
    NotRunning,
}
