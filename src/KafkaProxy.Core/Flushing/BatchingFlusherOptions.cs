namespace KafkaProxy.Core.Flushing;

/// <summary>
/// Settings of the <see cref="BatchingFlusher"/>: where it produces, when it hands messages to Kafka, how much it may
/// hold, and how long it drains on shutdown. The defaults are safe; <see cref="BootstrapServers"/> and
/// <see cref="InitialTopic"/> must be set.
/// </summary>
public sealed class BatchingFlusherOptions
{
    /// <summary>Kafka bootstrap servers, <c>host:port[,host:port...]</c> (<c>KAFKA_PROXY_KAFKA_SERVER</c>).</summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>The topic produced to until a topic switch; a topic in the cache file wins (<c>KAFKA_PROXY_TOPIC</c>).</summary>
    public string InitialTopic { get; set; } = "";

    /// <summary>
    /// File that keeps the current topic across restarts (<c>KAFKA_FLUSHER_TOPIC_CACHE</c>). Empty: the topic lives
    /// only in memory. Ignored when <see cref="TopicStateTopic"/> is set.
    /// </summary>
    public string TopicCacheFile { get; set; } = "";

    /// <summary>
    /// Scale-out mode: keep the current topic in this compacted Kafka topic instead of a file, so that several gateway
    /// replicas agree on it. Empty: off.
    /// </summary>
    public string TopicStateTopic { get; set; } = "";

    /// <summary>How often a replica in scale-out mode looks for a topic switched by another replica (default 2 s).</summary>
    public TimeSpan TopicStateRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Hand messages to Kafka once this many have gathered (<c>KAFKA_FLUSHER_NUM_MESSAGES</c>, default 100).</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Hand messages to Kafka at the latest this long after the last flush (<c>KAFKA_FLUSHER_TIMEOUT</c> in seconds, default 5 s).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Most messages held at once, waiting or in flight to Kafka (default 100,000). When full, new requests are turned
    /// away (HTTP 503) rather than the buffer growing.
    /// </summary>
    public int MaxBufferedMessages { get; set; } = 100_000;

    /// <summary>Most message bytes held at once, waiting or in flight to Kafka (default 256 MiB).</summary>
    public long MaxBufferedBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// The disk spool (<c>KAFKA_FLUSHER_SPOOL_DIR</c>): when set, a request's messages are written to a segment file in
    /// this directory and fsynced before the request is answered 200, and what Kafka did not acknowledge before a crash
    /// is produced again at the next start. Empty (the default): messages are held in memory only.
    /// </summary>
    public string SpoolDirectory { get; set; } = "";

    /// <summary>Most bytes the spool's files may take (default 1 GiB). When full, new requests are turned away (HTTP 503).</summary>
    public long MaxSpoolBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>How long shutdown waits for Kafka to acknowledge what the flusher holds (default 30 s).</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the producer keeps retrying one message (librdkafka <c>message.timeout.ms</c>, default 2 min). A message
    /// that times out is queued again (it is never dropped for a timeout) unless its sender waits for the outcome.
    /// </summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Further librdkafka producer settings (<c>acks</c>, <c>compression.type</c>, <c>security.protocol</c>, ...).
    /// By default the producer is idempotent with <c>acks=all</c>; entries here win over the flusher's own.
    /// </summary>
    public IDictionary<string, string> Producer { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Values from configuration that did not bind; the validator reports them with its own findings.</summary>
    internal List<string> ConfigurationProblems { get; } = [];
}
