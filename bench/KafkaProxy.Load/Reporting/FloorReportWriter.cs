using System.Globalization;
using System.Text;

namespace KafkaProxy.Load.Reporting;

/// <summary>Writes floor.md: per latency scenario, each side's round trip and what it adds to direct, round by round.</summary>
internal static class FloorReportWriter
{
    private const string Direct = "direct";

    public static string Markdown(FloorReport r)
    {
        var md = new StringBuilder();
        MarkdownHeader.Write(md, "# The floor of added latency: kafka-proxy beside reference forwarders", r.Started, r.Elapsed, r.Revision, r.Command, r.Machine, "runtime (load program)", r.LoadAverageAtEnd, r.ProxyEnvironment, openFilesLimit: false);
        Line(md, "| side | what the client connects to |");
        Line(md, "| --- | --- |");
        Line(md, "| direct | broker 1 of the test cluster (librdkafka's mock, its own process) |");
        Line(md, $"| {FloorCommand.Proxied} | the Release build of kafka-proxy (its own process), its listener for broker 1 |");
        Line(md, "| socat | `socat TCP-LISTEN:<port>,bind=127.0.0.1,reuseaddr,fork TCP:<broker 1>` (a child process per connection) |");
        Line(md, "| blocking | `kafkaproxy-load floor-forwarder <broker 1>`: blocking sockets with NoDelay, one thread per direction, Receive then Send over one reused buffer |");
        Line(md);
        Line(md, $"Each scenario runs {r.Pings:N0} sequential round trips on one connection (after 2,000 warm-up ones) on every side in");
        Line(md, $"turn, {r.Rounds} rounds, the order reversed every other round. Figures are medians of the rounds with the smallest and");
        Line(md, "largest round in brackets; \"added\" is, round by round, the side's quantile less direct's in the same round, and the");
        Line(md, $"median of those differences, as `kafkaproxy-load run` computes it for the target (≤ {Targets.AddedP50Micros} µs at p50, ≤ {Targets.AddedP99Micros} µs at p99).");
        foreach (var s in r.Scenarios)
        {
            Line(md);
            Line(md, $"## {s.Description} (`{s.Id}`)");
            Line(md);
            Line(md, "| side | p50 (µs) | p99 (µs) | p99.9 (µs) | added at p50 (µs) | added at p99 (µs) |");
            Line(md, "| --- | ---: | ---: | ---: | ---: | ---: |");
            foreach (string side in r.Sides)
            {
                string added50 = side == Direct ? "-" : Signed(s.PairedDifference(side, Direct, x => x.Value("p50")));
                string added99 = side == Direct ? "-" : Signed(s.PairedDifference(side, Direct, x => x.Value("p99")));
                Line(md, $"| {side} | {s.Spread(side, x => x.Value("p50")).Describe("F1")} | {s.Spread(side, x => x.Value("p99")).Describe("F1")} | {s.Spread(side, x => x.Value("p99.9")).Describe("F1")} | {added50} | {added99} |");
            }
        }

        Line(md);
        Line(md, "## Every round");
        Line(md);
        Line(md, "| scenario | round | place | side | p50 (µs) | p99 (µs) | p99.9 (µs) |");
        Line(md, "| --- | ---: | ---: | --- | ---: | ---: | ---: |");
        foreach (var s in r.Scenarios)
        {
            foreach (var x in s.Rounds)
            {
                Line(md, $"| {s.Id} | {x.Round} | {x.Order} | {x.Side} | {x.Value("p50"):F1} | {x.Value("p99"):F1} | {x.Value("p99.9"):F1} |");
            }
        }

        return md.ToString();
    }

    private static string Signed(Spread added) => double.IsNaN(added.Median)
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"{added.Median:+0.0;-0.0} [{added.Min:+0.0;-0.0} – {added.Max:+0.0;-0.0}]");

    private static void Line(StringBuilder md, string text = "") => md.Append(text).Append('\n');
}
