using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace KafkaProxy.Testing.Sasl;

/// <summary>
/// An authenticating front for a test-cluster broker: it plays the broker side of SaslHandshake (v0 and v1) and
/// SaslAuthenticate (v0 and v1) with PLAIN and SCRAM-SHA-256/512, then relays frames to the broker. Before a client
/// has authenticated only ApiVersions and the SASL exchange are allowed (anything else closes the connection, as a
/// broker does); ApiVersions responses gain the two SASL api keys. With <see cref="SaslFrontOptions.SessionLifetime"/>
/// it enforces re-authentication (KIP-368). Point the broker's advertised address at the front
/// (<see cref="KafkaTestCluster.SetAdvertisedAddress"/>) so that clients stay behind it.
/// </summary>
public sealed class SaslFront : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IPEndPoint _broker;
    private readonly ConcurrentDictionary<SaslFrontConnection, Task> _connections = new();
    private readonly Task _accepting;
    private int _authentications;
    private int _reauthentications;
    private int _refusals;
    private int _expiredSessions;

    private SaslFront(Socket listener, IPEndPoint broker, SaslFrontOptions options)
    {
        _listener = listener;
        _broker = broker;
        Options = options;
        Users = new ScramUserStore(options);
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>The front's host: always loopback.</summary>
    public string Host { get; } = "127.0.0.1";

    /// <summary>The front's port.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>.</summary>
    internal string Address => $"{Host}:{Port}";

    /// <summary>Successful first authentications.</summary>
    internal int Authentications => Volatile.Read(ref _authentications);

    /// <summary>Successful re-authentications on already authenticated connections.</summary>
    internal int Reauthentications => Volatile.Read(ref _reauthentications);

    /// <summary>Exchanges refused: a wrong password, an unknown user or mechanism, a request before authentication.</summary>
    internal int Refusals => Volatile.Read(ref _refusals);

    /// <summary>Connections closed because a request arrived after the session expired.</summary>
    internal int ExpiredSessions => Volatile.Read(ref _expiredSessions);

    internal SaslFrontOptions Options { get; }

    internal ScramUserStore Users { get; }

    /// <summary>Starts a front on a free loopback port for the broker at <paramref name="brokerHost"/>:<paramref name="brokerPort"/>.</summary>
    public static SaslFront Start(string brokerHost, int brokerPort, SaslFrontOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(128);
        return new SaslFront(listener, new IPEndPoint(IPAddress.Parse(brokerHost), brokerPort), options);
    }

    /// <summary>Stops accepting and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        foreach (var connection in _connections.Keys)
        {
            connection.Close();
        }

        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
    }

    internal void Authenticated(bool again) => Interlocked.Increment(ref again ? ref _reauthentications : ref _authentications);

    internal void Refused() => Interlocked.Increment(ref _refusals);

    internal void Expired() => Interlocked.Increment(ref _expiredSessions);

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                return;
            }

            client.NoDelay = true;
            var broker = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await broker.ConnectAsync(_broker).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                broker.Dispose();
                KafkaWire.Close(client);
                continue;
            }

            var connection = new SaslFrontConnection(this, client, broker);
            _connections[connection] = Task.Run(async () =>
            {
                await connection.RunAsync().ConfigureAwait(false);
                _connections.TryRemove(connection, out _);
            });
        }
    }
}
