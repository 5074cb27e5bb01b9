using System.Net;
using System.Net.Sockets;
using KafkaProxy.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Proxy;

/// <summary>A bound socket for one broker; hands every accepted client to the engine.</summary>
internal sealed class BrokerListener : IDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    private readonly Socket _socket;
    private readonly TaskCompletionSource _closing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state; // an AcceptState

    private BrokerListener(Socket socket, BrokerRoute route, ProxyListenerInfo info)
    {
        _socket = socket;
        Route = route;
        Info = info;
    }

    public BrokerRoute Route { get; }

    public ProxyListenerInfo Info { get; }

    /// <summary>Binds <paramref name="listen"/> (port 0 = any free port), resolving its host if it is a name. Clients are told
    /// <paramref name="advertised"/>, or the listen host; an advertised port of 0 means the bound port.</summary>
    /// <exception cref="InvalidOperationException">The address cannot be bound; the message names it and the broker.</exception>
    public static BrokerListener Bind(HostPort listen, BrokerRoute route, HostPort? advertised, bool isDynamic, SocketOptions sockets)
    {
        var endPoint = new IPEndPoint(ResolveBindAddress(listen.Host), listen.Port);
        try
        {
            return Bind(endPoint, route, advertised ?? new HostPort(listen.Host, 0), isDynamic, sockets);
        }
        catch (SocketException ex)
        {
            throw new InvalidOperationException($"Cannot listen on {listen} for broker {route.Upstream}: {ex.Message}. Choose another local port.", ex);
        }
    }

    /// <summary>Binds <paramref name="endPoint"/> (port 0 = any free port): no name to resolve. An advertised port of 0 means the bound port.</summary>
    /// <exception cref="SocketException">The address cannot be bound (in use, not local, no permission).</exception>
    public static BrokerListener Bind(IPEndPoint endPoint, BrokerRoute route, HostPort advertised, bool isDynamic, SocketOptions sockets)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (sockets.ReceiveBufferSize > 0)
            {
                socket.ReceiveBufferSize = sockets.ReceiveBufferSize; // inherited by accepted sockets
            }

            socket.Bind(endPoint);
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var bound = (IPEndPoint)socket.LocalEndPoint!;
        var shown = advertised.Port == 0 ? advertised with { Port = bound.Port } : advertised;
        return new BrokerListener(socket, route, new ProxyListenerInfo(route.Upstream, bound, shown, isDynamic));
    }

    /// <summary>Whether the listener takes new clients now (for readiness).</summary>
    public AcceptState State => (AcceptState)Volatile.Read(ref _state);

    /// <summary>
    /// Accepts until the listener is closed. When the process is out of descriptors (or socket buffers) it waits and
    /// tries again, longer each time up to a second, and logs once (1020) until it accepts again (1021): clients wait in
    /// the backlog meanwhile. Any other failure ends it for good, logged as 1009, and closes its socket so that clients
    /// are refused rather than left waiting.
    /// </summary>
    public async Task AcceptLoopAsync(Action<BrokerListener, Socket> onAccepted, ILogger logger, TimeProvider time)
    {
        var backoff = TimeSpan.Zero;
        try
        {
            while (true)
            {
                Socket client;
                try
                {
                    client = await _socket.AcceptAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is ObjectDisposedException || ex is SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted })
                {
                    return;
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
                {
                    // The client gave up while it waited in the backlog, as Kestrel tolerates.
                    continue;
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                {
                    // EMFILE, ENFILE, ENOBUFS or ENOMEM: the client stays in the backlog until a descriptor is free.
                    // Retrying at once would spin, so wait a little longer each time.
                    backoff = backoff == TimeSpan.Zero ? FirstBackoff : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                    if (Interlocked.Exchange(ref _state, (int)AcceptState.OutOfDescriptors) != (int)AcceptState.OutOfDescriptors)
                    {
                        Log.AcceptPaused(logger, Info.LocalEndPoint.ToString(), ex.Message);
                    }

                    await Task.WhenAny(Task.Delay(backoff, time), _closing.Task).ConfigureAwait(false);
                    continue;
                }

                backoff = TimeSpan.Zero;
                if (Interlocked.Exchange(ref _state, (int)AcceptState.Accepting) == (int)AcceptState.OutOfDescriptors)
                {
                    Log.AcceptResumed(logger, Info.LocalEndPoint.ToString());
                }

                onAccepted(this, client);
            }
        }
#pragma warning disable CA1031 // Whatever ends the loop is logged once, here, and shows in readiness; nothing else observes this task.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Volatile.Write(ref _state, (int)AcceptState.Stopped);
            _socket.Dispose();
            Log.AcceptFailed(logger, ex, Info.LocalEndPoint.ToString());
        }
    }

    public void Dispose()
    {
        _closing.TrySetResult();
        _socket.Dispose();
    }

    /// <summary>The address to bind for <paramref name="host"/>: an IP literal as is, localhost as loopback, a name through DNS.</summary>
    /// <exception cref="InvalidOperationException">The name resolves to no address.</exception>
    /// <exception cref="SocketException">The name cannot be resolved.</exception>
    public static IPAddress ResolveBindAddress(string host)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        var addresses = Dns.GetHostAddresses(host);
        return addresses.Length > 0 ? addresses[0] : throw new InvalidOperationException($"Cannot listen on '{host}': the name resolves to no address.");
    }

    /// <summary>What a listener's accept loop is doing.</summary>
    internal enum AcceptState
    {
        /// <summary>Accepting clients (or closed by the engine).</summary>
        Accepting,

        /// <summary>Out of file descriptors: waiting to accept again.</summary>
        OutOfDescriptors,

        /// <summary>Stopped for good by a failure; its socket is closed.</summary>
        Stopped,
    }
}
