using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>The compression codec of a record batch: the low three bits of its attributes (values 5 to 7 are not assigned).</summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public enum RecordCompressionCodec
{
    /// <summary>Not compressed.</summary>
    None = 0,

    /// <summary>gzip.</summary>
    Gzip = 1,

    /// <summary>Snappy.</summary>
    Snappy = 2,

    /// <summary>LZ4 (KIP-57 framing).</summary>
    Lz4 = 3,

    /// <summary>Zstandard (KIP-110, record batches of magic 2 only).</summary>
    Zstd = 4,
}
