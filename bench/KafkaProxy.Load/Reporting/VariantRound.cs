using KafkaProxy.Load.Hosting;
using KafkaProxy.Load.Scenarios;

namespace KafkaProxy.Load.Reporting;

/// <summary>
/// One run of a scenario through one proxy: the scenario's figures and the proxy's cost over its steady window, and
/// its system calls over that window by event name when they were counted (<c>--syscalls</c>).
/// </summary>
internal sealed record VariantRound(int Round, string Proxy, IReadOnlyList<Figure> Figures, ProxyCost Steady, IReadOnlyDictionary<string, double>? Syscalls)
{
    private static readonly string[] Sends = ["sys_enter_sendto", "sys_enter_sendmsg", "sys_enter_write", "sys_enter_writev"];
    private static readonly string[] Receives = ["sys_enter_recvfrom", "sys_enter_recvmsg", "sys_enter_read", "sys_enter_readv"];
    private static readonly string[] Waits = ["sys_enter_epoll_wait", "sys_enter_epoll_pwait"];

    /// <summary>The scenario's first figure, its headline.</summary>
    public Figure Headline => Figures[0];

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
