namespace KafkaProxy.Protocol.Messages.Records;

/// <summary>The compression codec of a record batch: the low three bits of its attributes.</summary>
internal enum RecordCompression : byte
{
    /// <summary>Not compressed.</summary>
    None = 0,

    /// <summary>gzip.</summary>
    Gzip = 1,

    /// <summary>Snappy.</summary>
    Snappy = 2,

    /// <summary>LZ4 (KIP-57 framing).</summary>
    Lz4 = 3,

    /// <summary>Zstandard (KIP-110, magic 2 only).</summary>
    Zstd = 4,
}
