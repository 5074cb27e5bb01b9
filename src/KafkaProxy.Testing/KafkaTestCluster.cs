using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;
using KafkaProxy.Testing.Native;

namespace KafkaProxy.Testing;

/// <summary>
/// A real multi-broker Kafka cluster inside the current process, on loopback TCP ports, backed by
/// librdkafka's mock cluster. Any Kafka client can talk to it. Made for integration tests: no Docker, no JVM.
/// </summary>
/// <remarks>
/// The cluster supports produce, fetch, consumer groups, transactions and offsets; it has no SASL, no TLS,
/// no DescribeCluster and no admin APIs (CreateTopics, DescribeConfigs, ...): use <see cref="CreateTopic"/>.
/// All members are thread-safe. Disposing is idempotent.
/// </remarks>
public sealed class KafkaTestCluster : IAsyncDisposable, IDisposable
{
    private const int ErrorBufferSize = 512;

    private readonly Lock _gate = new();
    private IntPtr _client;
    private IntPtr _cluster;

    private KafkaTestCluster(IntPtr client, IntPtr cluster, string bootstrapServers, IReadOnlyList<TestBroker> brokers)
    {
        _client = client;
        _cluster = cluster;
        BootstrapServers = bootstrapServers;
        Brokers = brokers;
    }

    /// <summary>The comma-separated <c>host:port</c> list of every broker, for a client's <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>The cluster's brokers in node-id order.</summary>
    public IReadOnlyList<TestBroker> Brokers { get; }

    /// <summary>
    /// Starts a cluster of <paramref name="brokers"/> brokers with test-friendly defaults: broker 1 is the controller,
    /// and consumer groups rebalance without the initial 3 s delay.
    /// </summary>
    /// <param name="brokers">How many brokers, 1 to 32.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="PlatformNotSupportedException">librdkafka's native library cannot be loaded on this platform.</exception>
    public static Task<KafkaTestCluster> StartAsync(int brokers = 3, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(brokers, 32);
        cancellationToken.ThrowIfCancellationRequested();
        LibrdkafkaLoader.EnsureLoaded();
        return Task.FromResult(Create(brokers));
    }

    private static KafkaTestCluster Create(int brokerCount)
    {
        var error = new byte[ErrorBufferSize];
        IntPtr conf = LibrdkafkaNative.ConfNew();
        // The hosting client instance only owns the mock cluster's thread; keep it quiet.
        SetConf(conf, "log_level", "3", error);
        IntPtr client = LibrdkafkaNative.New(LibrdkafkaNative.ProducerType, conf, error, (UIntPtr)error.Length);
        if (client == IntPtr.Zero)
        {
            LibrdkafkaNative.ConfDestroy(conf);
            throw new InvalidOperationException("librdkafka could not create the client that hosts the mock cluster: " + ReadError(error));
        }

        IntPtr cluster = LibrdkafkaNative.MockClusterNew(client, brokerCount);
        if (cluster == IntPtr.Zero)
        {
            LibrdkafkaNative.Destroy(client);
            throw new InvalidOperationException("librdkafka could not create a mock cluster (is the loopback interface up?).");
        }

        LibrdkafkaNative.MockSetControllerId(cluster, 1);
        LibrdkafkaNative.MockGroupInitialRebalanceDelayMs(cluster, 0);

        string bootstraps = Marshal.PtrToStringUTF8(LibrdkafkaNative.MockClusterBootstraps(cluster)) ?? string.Empty;
        return new KafkaTestCluster(client, cluster, bootstraps, ParseBrokers(bootstraps));
    }

    /// <summary>Creates <paramref name="topic"/> with <paramref name="partitions"/> partitions (topics otherwise auto-create with 4).</summary>
    public void CreateTopic(string topic, int partitions = 1, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicationFactor, Brokers.Count);
        Check(LibrdkafkaNative.MockTopicCreate(Handle(), topic, partitions, replicationFactor), $"create topic '{topic}'");
    }

    /// <summary>Takes a broker down: its connections close and new ones are refused until <see cref="SetBrokerUp"/>.</summary>
    /// <remarks>Metadata keeps listing the broker, so requests for its partitions wait until it is up again.</remarks>
    public void SetBrokerDown(int brokerId) =>
        Check(LibrdkafkaNative.MockBrokerSetDown(Handle(), ValidBroker(brokerId)), $"take broker {brokerId} down");

    /// <summary>Brings a broker back up on the same port.</summary>
    public void SetBrokerUp(int brokerId) =>
        Check(LibrdkafkaNative.MockBrokerSetUp(Handle(), ValidBroker(brokerId)), $"bring broker {brokerId} up");

    /// <summary>Delays every response of a broker by <paramref name="roundTripTime"/> (zero removes the delay).</summary>
    public void SetBrokerLatency(int brokerId, TimeSpan roundTripTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(roundTripTime, TimeSpan.Zero);
        Check(LibrdkafkaNative.MockBrokerSetRtt(Handle(), ValidBroker(brokerId), checked((int)roundTripTime.TotalMilliseconds)), $"set latency of broker {brokerId}");
    }

    /// <summary>
    /// Makes the next requests with <paramref name="apiKey"/>, on any broker, fail with <paramref name="errors"/>, one error per request, in order.
    /// </summary>
    /// <remarks>Prefer retriable errors such as <see cref="ErrorCode.NotLeaderForPartition"/> or <see cref="ErrorCode.RequestTimedOut"/>:
    /// some others (authorization failures) make librdkafka producers give up for good.</remarks>
    public void InjectRequestErrors(short apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentOutOfRangeException.ThrowIfNegative(apiKey);
        if (errors.Length == 0)
        {
            return;
        }

        var codes = new int[errors.Length];
        for (int i = 0; i < errors.Length; i++)
        {
            codes[i] = (int)errors[i];
        }

        LibrdkafkaNative.MockPushRequestErrorsArray(Handle(), apiKey, (UIntPtr)codes.Length, codes);
    }

    /// <summary>Limits the versions the cluster advertises (and accepts) for <paramref name="apiKey"/>. A range of -1..-1 disables the API.</summary>
    public void SetApiVersionRange(short apiKey, short minVersion, short maxVersion)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(apiKey);
        if (minVersion > maxVersion)
        {
            throw new ArgumentException($"The minimum version {minVersion} is above the maximum {maxVersion}.", nameof(minVersion));
        }

        Check(LibrdkafkaNative.MockSetApiVersion(Handle(), apiKey, minVersion, maxVersion), $"limit versions of api key {apiKey}");
    }

    /// <summary>Moves the leadership of a partition to another broker; clients learn it from NOT_LEADER errors and Metadata.</summary>
    public void SetPartitionLeader(string topic, int partition, int brokerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        Check(LibrdkafkaNative.MockPartitionSetLeader(Handle(), topic, partition, ValidBroker(brokerId)), $"move leader of {topic}/{partition}");
    }

    /// <summary>
    /// Changes the address a broker advertises in Metadata without moving its listener; for tests of
    /// proxies that dial a different address than the advertised one.
    /// </summary>
    public void SetAdvertisedAddress(int brokerId, string host, int port)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        LibrdkafkaNative.MockBrokerSetHostPort(Handle(), ValidBroker(brokerId), host, port);
    }

    /// <summary>Stops every broker and frees the native cluster. Safe to call more than once.</summary>
    public void Dispose()
    {
        IntPtr cluster;
        IntPtr client;
        lock (_gate)
        {
            cluster = _cluster;
            client = _client;
            _cluster = IntPtr.Zero;
            _client = IntPtr.Zero;
        }

        // The cluster must go before the client instance that runs its thread.
        if (cluster != IntPtr.Zero)
        {
            LibrdkafkaNative.MockClusterDestroy(cluster);
        }

        if (client != IntPtr.Zero)
        {
            LibrdkafkaNative.Destroy(client);
        }
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        // Destroying joins librdkafka's threads; keep that off the caller's thread.
        return new ValueTask(Task.Run(Dispose));
    }

    private IntPtr Handle()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            return _cluster;
        }
    }

    private int ValidBroker(int brokerId)
    {
        if (brokerId < 1 || brokerId > Brokers.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(brokerId), brokerId, $"The cluster has brokers 1 to {Brokers.Count}.");
        }

        return brokerId;
    }

    private static void Check(int errorCode, string action)
    {
        if (errorCode != 0)
        {
            throw new InvalidOperationException($"The test cluster could not {action}: {(ErrorCode)errorCode} ({errorCode}).");
        }
    }

    private static void SetConf(IntPtr conf, string name, string value, byte[] error)
    {
        if (LibrdkafkaNative.ConfSet(conf, name, value, error, (UIntPtr)error.Length) != LibrdkafkaNative.ConfOk)
        {
            throw new InvalidOperationException($"librdkafka rejected {name}={value}: {ReadError(error)}");
        }
    }

    private static string ReadError(byte[] error)
    {
        int end = Array.IndexOf(error, (byte)0);
        return Encoding.UTF8.GetString(error, 0, end < 0 ? error.Length : end);
    }

    // The mock numbers its brokers from 1 and lists them in id order.
    internal static IReadOnlyList<TestBroker> ParseBrokers(string bootstraps)
    {
        var brokers = new List<TestBroker>();
        foreach (string entry in bootstraps.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = entry.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(entry.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port))
            {
                throw new FormatException($"Unexpected broker address '{entry}' in the mock cluster's bootstrap list '{bootstraps}'.");
            }

            brokers.Add(new TestBroker(brokers.Count + 1, entry[..colon], port));
        }

        return brokers;
    }
}
