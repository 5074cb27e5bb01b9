using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KafkaProxy.Load.Reporting;

/// <summary>Writes latest.md (every figure, the machine and the command), latest.svg (the chart) and latest.json.</summary>
internal static class ReportWriter
{
    public const string MarkdownFile = "latest.md";
    public const string ChartFile = "latest.svg";
    public const string JsonFile = "latest.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static async Task WriteAsync(LoadReport report, string directory)
    {
        await File.WriteAllTextAsync(Path.Combine(directory, MarkdownFile), Markdown(report));
        await File.WriteAllTextAsync(Path.Combine(directory, ChartFile), ChartSvg.Render(report));
        await File.WriteAllTextAsync(Path.Combine(directory, JsonFile), JsonSerializer.Serialize(report, Json));
    }

    public static string Markdown(LoadReport r)
    {
        var md = new StringBuilder();
        MarkdownHeader.Write(md, "# KafkaProxy load results", r.Started, r.Elapsed, r.Revision, r.Command, r.Machine, "runtime", r.LoadAverageAtEnd, r.ProxyEnvironment, openFilesLimit: true);
        Line(md, "Three processes share the cores: the test cluster (librdkafka's mock, `kafkaproxy-load cluster`), the proxy");
        Line(md, "(the Release build of `kafka-proxy`, samples/KafkaProxy.ConsoleHost, with metrics on) and the clients (this");
        Line(md, "program). Nothing is pinned. Direct runs have the proxy idle but present, so both sides run on the same machine;");
        Line(md, "the proxied side pays the proxy's CPU out of the same 2 cores the cluster and clients need, which is the honest");
        Line(md, "cost on a small box.");
        Line(md);
        Line(md, $"Each comparison runs {Rounds(r.Rounds)}: direct then proxied in odd rounds, proxied then direct in even ones.");
        Line(md, "Each figure is the median of its side's rounds, the smallest and largest round in brackets; each ratio and");
        Line(md, "difference is the median of the per-round pairs (proxied round i against direct round i, which ran next to each");
        Line(md, "other), never the best round. A proxy cost in the targets is the median over the proxied rounds of each round's");
        Line(md, "steady window.");
        foreach (string note in r.Notes)
        {
            Line(md);
            Line(md, "Note: " + note);
        }

        Line(md);
        Line(md, "## Targets");
        Line(md);
        Line(md, "| target | measured | |");
        Line(md, "| --- | --- | --- |");
        foreach (var (target, measured, met) in Targets.Evaluate(r))
        {
            Line(md, $"| {target} | {measured} | {(met is null ? "n/a" : met.Value ? "met" : "**missed**")} |");
        }

        Line(md);
        Line(md, "## Direct vs proxied");
        Line(md);
        Line(md, $"Medians of {Rounds(r.Rounds)} [smallest – largest].");
        Line(md);
        Line(md, "| scenario | figure | direct | proxied | proxied / direct, round by round | difference, round by round |");
        Line(md, "| --- | --- | ---: | ---: | ---: | ---: |");
        foreach (var c in r.Comparisons)
        {
            foreach (var f in c.Figures)
            {
                Line(md, $"| {c.Description} | {f.Name} ({f.Unit}) | {Num(f.Direct)} | {Num(f.Proxied)} | {f.Ratio.Describe("F3")} | {Signed(f.Difference.Median)} [{Signed(f.Difference.Min)} – {Signed(f.Difference.Max)}] |");
            }
        }

        Line(md);
        Line(md, "## Every round");
        Line(md);
        Line(md, "The headline figure of each run, in the order the runs happened (the rest: latest.json).");
        Line(md);
        Line(md, "| scenario | round | first | direct | proxied | proxied / direct |");
        Line(md, "| --- | ---: | --- | ---: | ---: | ---: |");
        foreach (var c in r.Comparisons)
        {
            foreach (var (direct, proxied) in c.Scenario.Of(c.Reference).Zip(c.Scenario.Of(c.Side)))
            {
                string first = direct.Order == 1 ? c.Reference : c.Side;
                Line(md, $"| {c.Id} | {direct.Round} | {first} | {Num(direct.Headline.Value)} {direct.Headline.Unit} | {Num(proxied.Headline.Value)} {proxied.Headline.Unit} | {proxied.Headline.Value / direct.Headline.Value:F3} |");
            }
        }

        Line(md);
        Line(md, "## What the proxy process spent");
        Line(md);
        Line(md, "Steady windows: the middle of each proxied run (after warm-up, connections open), all rounds together; the");
        Line(md, "allocations of one /metrics scrape, measured just before, are taken off. Whole runs: warm-ups, connection set-up");
        Line(md, "and the scrapes included.");
        Line(md);
        Line(md, "| scenario | window | CPU s | requests | MB forwarded | CPU µs / request | CPU s / GB | GC gen0 / gen1 / gen2 | allocated | allocated / request |");
        Line(md, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var c in r.Comparisons)
        {
            CostRow(md, c.Id + " | steady", c.SteadyCost);
            CostRow(md, c.Id + " | whole runs", c.WholeCost);
        }

        CostRow(md, "everything | whole program, idle connections included", r.WholeRun);
        Line(md);
        Line(md, "CPU is utime + stime of the proxy process from /proc; requests, bytes (requests plus responses), GC counts and");
        Line(md, "allocated bytes come from the proxy's own /metrics (`proxy_requests_total`, `proxy_requests_bytes`,");
        Line(md, "`proxy_responses_bytes`, and the runtime's `dotnet.gc.collections`, `dotnet.gc.heap.total_allocated`). The");
        Line(md, "proxy's CPU includes its HTTP endpoint answering the scrapes around each run.");
        Line(md);
        Line(md, "## Idle client connections through the proxy");
        Line(md);
        Line(md, "| connections | proxy RSS before | with all open | RSS per connection | managed bytes allocated per connection | time to open all |");
        Line(md, "| ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var s in r.Connections)
        {
            Line(md, $"| {s.Connections:N0} | {s.RssBeforeBytes / 1048576.0:F1} MiB | {s.RssAfterBytes / 1048576.0:F1} MiB | {s.RssBytesPerConnection / 1024:F1} KiB | {s.AllocatedBytesPerConnection / 1024:F1} KiB | {s.OpenSeconds:F1} s |");
        }

        Line(md);
        Line(md, "Each client connection gets its own upstream connection (the proxy dials the broker on accept), so N clients");
        Line(md, "mean 2N sockets in the proxy. A sample of every 100th connection answers an ApiVersions request before RSS is read.");
        Line(md);
        Line(md, $"![throughput and latency, direct vs proxied]({ChartFile})");
        return md.ToString();
    }

    private static void CostRow(StringBuilder md, string name, Hosting.ProxyCost c) =>
        Line(md, $"| {name} | {c.CpuSeconds:F2} | {Num(c.Requests)} | {Num(c.Bytes / 1e6)} | {c.CpuMicrosPerRequest:F1} | {c.CpuSecondsPerGigabyte:F2} | {Num(c.Gen0)} / {Num(c.Gen1)} / {Num(c.Gen2)} | {Bytes(c.AllocatedBytes)} | {Bytes(c.AllocatedBytesPerRequest)} |");

    internal static string Num(double value) => double.IsNaN(value) ? "n/a" : value switch
    {
        >= 100 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("F1", CultureInfo.InvariantCulture),
        0 => "0",
        _ => value.ToString("F2", CultureInfo.InvariantCulture),
    };

    private static string Num(Spread s) => double.IsNaN(s.Median) ? "n/a" : $"{Num(s.Median)} [{Num(s.Min)} – {Num(s.Max)}]";

    private static string Rounds(int rounds) => rounds == 1 ? "1 round" : $"{rounds} interleaved rounds";

    private static string Signed(double value) => double.IsNaN(value) ? "n/a" : (value >= 0 ? "+" : "-") + Num(Math.Abs(value));

    internal static string Bytes(double value) => double.IsNaN(value) ? "n/a" : value switch
    {
        >= 1048576 => string.Create(CultureInfo.InvariantCulture, $"{value / 1048576:F1} MiB"),
        >= 1024 => string.Create(CultureInfo.InvariantCulture, $"{value / 1024:F1} KiB"),
        >= 10 => string.Create(CultureInfo.InvariantCulture, $"{value:F0} B"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{value:F1} B"),
    };

    private static void Line(StringBuilder md, string text = "") => md.Append(text).Append('\n');

}
