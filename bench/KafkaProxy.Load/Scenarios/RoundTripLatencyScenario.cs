using System.Diagnostics;
using KafkaProxy.Load.Wire;

namespace KafkaProxy.Load.Scenarios;

/// <summary>
/// Ping-pong of one small request on one connection to broker 1 (or its proxy listener): every round trip timed,
/// p50, p99 and p99.9 of all of them.
/// </summary>
internal sealed class RoundTripLatencyScenario(Func<PingRequest> request, int pings) : IComparedScenario
{
    private const int WarmUpPings = 2000;

    private readonly PingRequest _request = request();

    public string Id => "latency-" + _request.Name.Split(' ')[0];

    public string Description => $"round trip of {_request.Name}, {pings:N0} sequential requests on one connection";

    public Task PrepareAsync(Target direct) => Task.CompletedTask;

    public Task<IReadOnlyList<Figure>> RunAsync(Target target, ISteadyStateProbe probe) => Task.Factory.StartNew(() => Run(target, probe), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private IReadOnlyList<Figure> Run(Target target, ISteadyStateProbe probe)
    {
        var (host, port) = target.FirstBroker;
        using var connection = PingConnection.Open(host, port);
        for (int i = 0; i < WarmUpPings; i++)
        {
            connection.RoundTrip(_request);
        }

        var ticks = new long[pings];
        probe.Begin();
        for (int i = 0; i < pings; i++)
        {
            long start = Stopwatch.GetTimestamp();
            connection.RoundTrip(_request);
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }

        probe.End();
        Array.Sort(ticks);
        return
        [
            new Figure("p99", Micros(ticks, 0.99), "µs", HigherIsBetter: false),
            new Figure("p50", Micros(ticks, 0.50), "µs", HigherIsBetter: false),
            new Figure("p99.9", Micros(ticks, 0.999), "µs", HigherIsBetter: false),
        ];
    }

    private static double Micros(long[] sorted, double quantile)
    {
        long value = sorted[(int)Math.Round(quantile * (sorted.Length - 1))];
        return value * 1e6 / Stopwatch.Frequency;
    }
}
