using System.Net;
using System.Net.Sockets;

namespace KafkaProxy.Load.Forwarding;

/// <summary>
/// The simplest user-space TCP forwarder there is, as a floor for the proxy's added latency: blocking sockets,
/// NoDelay on both, and per connection one thread per direction running Receive then Send over one reused buffer. No
/// pipes, no async, no parsing: what it adds to a round trip is the kernel's (two more hops through loopback TCP, each
/// a thread woken from a blocking receive) and nothing of the runtime's.
/// </summary>
internal sealed class BlockingForwarder : IDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly Socket _listener;
    private readonly EndPoint _upstream;

    private BlockingForwarder(Socket listener, EndPoint upstream)
    {
        _listener = listener;
        _upstream = upstream;
    }

    /// <summary>Where clients connect (the port is the one asked for, or the one the system chose for 0).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Binds <paramref name="listen"/>; <see cref="Run"/> then forwards every connection to <paramref name="upstream"/>.</summary>
    public static BlockingForwarder Listen(IPEndPoint listen, EndPoint upstream)
    {
        var listener = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(listen);
            listener.Listen(128);
            return new BlockingForwarder(listener, upstream);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>Accepts until <see cref="Dispose"/> closes the listener.</summary>
    public void Run()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            StartThread(() => Serve(client), "forward-connect");
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Serve(Socket client)
    {
        var upstream = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            upstream.Connect(_upstream);
        }
        catch (SocketException)
        {
            upstream.Dispose();
            client.Dispose();
            return;
        }

        client.NoDelay = true;
        upstream.NoDelay = true;
        var back = StartThread(() => Pump(upstream, client), "forward-down");
        Pump(client, upstream);
        back.Join();
        upstream.Dispose();
        client.Dispose();
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/> until <paramref name="from"/> ends, then ends <paramref name="to"/>'s sending side.</summary>
    private static void Pump(Socket from, Socket to)
    {
        byte[] buffer = new byte[BufferSize];
        try
        {
            int received;
            while ((received = from.Receive(buffer)) > 0)
            {
                for (int sent = 0; sent < received;)
                {
                    sent += to.Send(buffer, sent, received - sent, SocketFlags.None);
                }
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // A reset on either side: end both directions so the other pump's receive returns too.
            from.Close();
            to.Close();
        }
        catch (ObjectDisposedException)
        {
            // The other direction failed and closed both sockets.
        }
    }

    private static Thread StartThread(Action work, string name)
    {
        var thread = new Thread(new ThreadStart(work)) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }
}
