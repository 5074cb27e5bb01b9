using System.Globalization;
using System.Net.Sockets;
using KafkaProxy.Load.Forwarding;

namespace KafkaProxy.Load.Hosting;

/// <summary>
/// A reference TCP forwarder in a process of its own, from one loopback port to one broker, for
/// <c>kafkaproxy-load floor</c>: <c>socat</c>, or this program's <see cref="BlockingForwarder"/>
/// (<c>kafkaproxy-load floor-forwarder</c>). Neither rewrites anything, so a client of one sees only that broker.
/// </summary>
internal sealed class ForwarderProcess : IAsyncDisposable
{
    public const string Socat = "socat";
    public const string Blocking = "blocking";

    private readonly ChildProcess _process;

    private ForwarderProcess(string name, ChildProcess process, string address)
    {
        Name = name;
        _process = process;
        Address = address;
    }

    /// <summary>The side's name in the reports.</summary>
    public string Name { get; }

    /// <summary>Where clients connect, <c>host:port</c>.</summary>
    public string Address { get; }

    public int ProcessId => _process.Id;

    /// <summary><c>socat</c> with a child process per connection (<c>fork</c>), as it is commonly run.</summary>
    public static async Task<ForwarderProcess> StartSocatAsync(string broker, string logDirectory)
    {
        string port = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        ChildProcess process;
        try
        {
            process = ChildProcess.Start("socat", "socat", [$"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork", "TCP:" + broker], Path.Combine(logDirectory, "socat.log"));
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new FileNotFoundException($"socat could not be started ({ex.Message}): install it (Debian: apt-get install socat).", ex);
        }

        var forwarder = new ForwarderProcess(Socat, process, "127.0.0.1:" + port);
        try
        {
            await forwarder.WaitUntilListeningAsync(TimeSpan.FromSeconds(10));
            return forwarder;
        }
        catch
        {
            await forwarder.DisposeAsync();
            throw;
        }
    }

    /// <summary>This program's blocking forwarder: one thread per direction, Receive then Send.</summary>
    public static async Task<ForwarderProcess> StartBlockingAsync(string broker, string logDirectory)
    {
        var process = SelfProcess.Start("the blocking forwarder", ["floor-forwarder", broker], Path.Combine(logDirectory, "blocking-forwarder.log"));
        try
        {
            string address = await process.WaitForLineAsync(FloorForwarderCommand.ListeningPrefix, TimeSpan.FromSeconds(30));
            return new ForwarderProcess(Blocking, process, address);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    /// <summary>socat prints nothing when it listens: connect until it accepts (each probe is one short forwarded connection).</summary>
    private async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        int colon = Address.LastIndexOf(':');
        int port = int.Parse(Address.AsSpan(colon + 1), CultureInfo.InvariantCulture);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited during start." + _process.ErrorTail());
            }

            using var probe = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(Address[..colon], port);
                return;
            }
            catch (SocketException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} did not accept connections on {Address} within {timeout}." + _process.ErrorTail());
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }
}
