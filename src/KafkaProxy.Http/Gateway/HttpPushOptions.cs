namespace KafkaProxy.Http.Gateway;

/// <summary>Settings of the HTTP push endpoints (<c>POST /</c>, <c>POST /topic/{topic}</c>).</summary>
public sealed class HttpPushOptions
{
    /// <summary>The value every request must carry in <c>x-kafka-proxy-token</c> (<c>KAFKA_PROXY_TOKEN</c>); required.</summary>
    public string Token { get; set; } = "";

    /// <summary>Largest single message (default 1 MiB); a larger one makes the request fail with 413.</summary>
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest request body (default 64 MiB); a larger one fails with 413.</summary>
    public long MaxRequestBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>What a 503 (buffer full, or shutting down) tells the client in <c>Retry-After</c> (default 1 s).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait of a <c>?wait=true</c> request for Kafka's acknowledgements before it answers 504 (default 30 s).</summary>
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Memory all push requests still being read may hold together (default 128 MiB): their messages so far, before
    /// they are queued. Beyond it a request is answered 503 with <c>Retry-After</c>; one that alone needs more, 413.
    /// Set through configuration only (<c>KafkaProxy:HttpPush:MaxInProgressBytes</c>).
    /// </summary>
    internal long MaxInProgressBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>Values from configuration that did not bind; the validator reports them with its own findings.</summary>
    internal List<string> ConfigurationProblems { get; } = [];
}
