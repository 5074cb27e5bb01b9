using KafkaProxy.Load.Hosting;
using KafkaProxy.Load.Scenarios;

namespace KafkaProxy.Load.Reporting;

/// <summary>
/// One run of a scenario on one side in one round (<c>run</c>: direct, proxied or the gateway; <c>compare</c>: one
/// proxy): the scenario's figures, the watched proxy's cost over the run's steady window and over the whole run
/// (warm-up included), and its system calls over the steady window by event name when they were counted
/// (<c>--syscalls</c>). For the direct side the watched proxy idles: it is scraped at the same points all the same.
/// <c>Order</c> is the side's place in its round (1: it ran first).
/// </summary>
internal sealed record SideRound(int Round, int Order, string Side, IReadOnlyList<Figure> Figures, ProxyCost Steady, ProxyCost Whole, IReadOnlyDictionary<string, double>? Syscalls)
{
    private static readonly string[] Sends = ["sys_enter_sendto", "sys_enter_sendmsg", "sys_enter_write", "sys_enter_writev"];
    private static readonly string[] Receives = ["sys_enter_recvfrom", "sys_enter_recvmsg", "sys_enter_read", "sys_enter_readv"];
    private static readonly string[] Waits = ["sys_enter_epoll_wait", "sys_enter_epoll_pwait"];

    /// <summary>The scenario's first figure, its headline.</summary>
    public Figure Headline => Figures[0];

    /// <summary>The value of the figure named <paramref name="figure"/>.</summary>
    public double Value(string figure) => Figures.First(f => f.Name == figure).Value;

    /// <summary>Every system call per forwarded request; NaN when not counted.</summary>
    public double SyscallsPerRequest => PerRequest(["sys_enter"]);

    /// <summary>send, sendmsg, write and writev per forwarded request.</summary>
    public double SendsPerRequest => PerRequest(Sends);

    /// <summary>recv, recvmsg, read and readv per forwarded request.</summary>
    public double ReceivesPerRequest => PerRequest(Receives);

    /// <summary>epoll waits per forwarded request.</summary>
    public double EpollWaitsPerRequest => PerRequest(Waits);

    /// <summary>futex calls (thread wake-ups and waits) per forwarded request.</summary>
    public double FutexesPerRequest => PerRequest(["sys_enter_futex"]);

    /// <summary>sched_yield calls (the runtime's spin-waits giving up the core) per forwarded request.</summary>
    public double YieldsPerRequest => PerRequest(["sys_enter_sched_yield"]);

    private double PerRequest(string[] events) =>
        Syscalls is null ? double.NaN : events.Sum(e => Syscalls.TryGetValue(e, out double count) ? count : 0) / Steady.Requests;
}
