using System.Globalization;
using System.Text;

namespace KafkaProxy.Load.Reporting;

/// <summary>Writes compare.md: the machine, the proxies, per scenario the medians of the rounds and the ratios, every round.</summary>
internal static class CompareReportWriter
{
    public static string Markdown(CompareReport r)
    {
        var md = new StringBuilder();
        MarkdownHeader.Write(md, "# Proxy builds and settings side by side", r.Started, r.Elapsed, r.Revision, r.Command, r.Machine, "runtime (load program)", r.LoadAverageAtEnd, r.ProxyEnvironment, openFilesLimit: false);
        Line(md, "| proxy | build and extra flags | compared with |");
        Line(md, "| --- | --- | --- |");
        foreach (var p in r.Proxies)
        {
            Line(md, $"| {p.Name} | {p.Describe()} | {p.ComparedWith ?? "-"} |");
        }

        Line(md);
        Line(md, "Every proxy is a process of its own in front of the same test cluster (librdkafka's mock, 3 brokers, its own");
        Line(md, "process) and runs for the whole program; the clients are this program. Each scenario runs through each proxy in");
        Line(md, $"turn, {r.Rounds} rounds, the order reversed every other round. Over each run's steady window (after warm-up,");
        Line(md, "connections open) the proxy's CPU (utime + stime from /proc) and its managed allocations");
        Line(md, "(`dotnet.gc.heap.total_allocated`, less one /metrics scrape measured just before) are divided by the requests it");
        Line(md, "forwarded in that window (`proxy_requests_total`). Figures are medians of the rounds, with the smallest and largest");
        Line(md, "round in brackets; ratios are of medians, and round by round against the proxy that ran next to it.");
        foreach (string note in r.Notes)
        {
            Line(md);
            Line(md, "Note: " + note);
        }

        foreach (var s in r.Scenarios)
        {
            var headline = s.Rounds[0].Headline;
            Line(md);
            Line(md, $"## {s.Description} (`{s.Id}`)");
            Line(md);
            Line(md, $"| proxy | CPU µs / request | B allocated / request | GC gen0, all windows | requests / window | Produce share | {headline.Name} ({headline.Unit}) |");
            Line(md, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var p in r.Proxies)
            {
                var rounds = s.Of(p.Name);
                var cpu = s.Spread(p.Name, x => x.Steady.CpuMicrosPerRequest);
                var allocated = s.Spread(p.Name, x => x.Steady.AllocatedBytesPerRequest);
                var requests = s.Spread(p.Name, x => x.Steady.Requests);
                var produce = s.Spread(p.Name, x => x.Steady.ProduceRequests / x.Steady.Requests);
                var figure = s.Spread(p.Name, x => x.Headline.Value);
                Line(md, $"| {p.Name} | {cpu.Describe("F2")} | {allocated.Describe("F2")} | {rounds.Sum(x => x.Steady.Gen0):F0} | {requests.Median:N0} | {produce.Median:P1} | {figure.Describe(Format(figure.Median))} |");
            }

            if (s.Rounds.Any(x => x.Syscalls is not null))
            {
                Line(md);
                Line(md, "| proxy | system calls / request | sends / request | receives / request | epoll waits / request | futex / request | sched_yield / request |");
                Line(md, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
                foreach (var p in r.Proxies)
                {
                    Line(md, $"| {p.Name} | {s.Spread(p.Name, x => x.SyscallsPerRequest).Describe("F2")} | {s.Spread(p.Name, x => x.SendsPerRequest).Describe("F2")} | {s.Spread(p.Name, x => x.ReceivesPerRequest).Describe("F2")} | {s.Spread(p.Name, x => x.EpollWaitsPerRequest).Describe("F2")} | {s.Spread(p.Name, x => x.FutexesPerRequest).Describe("F2")} | {s.Spread(p.Name, x => x.YieldsPerRequest).Describe("F2")} |");
                }
            }

            var pairs = r.Proxies.Where(p => p.ComparedWith is not null).ToList();
            if (pairs.Count > 0)
            {
                Line(md);
                Line(md, $"| compared | CPU µs / request: ratio of medians | difference of medians | ratio round by round | B / request: difference of medians | {headline.Name}: ratio of medians |");
                Line(md, "| --- | ---: | ---: | ---: | ---: | ---: |");
                foreach (var p in pairs)
                {
                    string q = p.ComparedWith!;
                    var cpu = (s.Spread(p.Name, x => x.Steady.CpuMicrosPerRequest), s.Spread(q, x => x.Steady.CpuMicrosPerRequest));
                    var allocated = (s.Spread(p.Name, x => x.Steady.AllocatedBytesPerRequest), s.Spread(q, x => x.Steady.AllocatedBytesPerRequest));
                    var figure = (s.Spread(p.Name, x => x.Headline.Value), s.Spread(q, x => x.Headline.Value));
                    var paired = s.PairedRatio(p.Name, q, x => x.Steady.CpuMicrosPerRequest);
                    Line(md, $"| {p.Name} / {q} | {cpu.Item1.Median / cpu.Item2.Median:F3} | {Signed(cpu.Item1.Median - cpu.Item2.Median, "F2")} µs | {paired.Describe("F3")} | {Signed(allocated.Item1.Median - allocated.Item2.Median, "F1")} B | {figure.Item1.Median / figure.Item2.Median:F3} |");
                }
            }
        }

        Line(md);
        Line(md, "## Every round");
        Line(md);
        Line(md, "| scenario | round | proxy | CPU µs / request | B allocated / request | requests | GC gen0 | headline figure |");
        Line(md, "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var s in r.Scenarios)
        {
            foreach (var x in s.Rounds)
            {
                Line(md, $"| {s.Id} | {x.Round} | {x.Side} | {x.Steady.CpuMicrosPerRequest:F2} | {x.Steady.AllocatedBytesPerRequest:F2} | {x.Steady.Requests:N0} | {x.Steady.Gen0:F0} | {ReportWriter.Num(x.Headline.Value)} {x.Headline.Unit} |");
            }
        }

        return md.ToString();
    }

    private static string Format(double value) => Math.Abs(value) >= 100 ? "N0" : "F1";

    private static string Signed(double value, string format) => double.IsNaN(value) ? "n/a" : (value >= 0 ? "+" : "") + value.ToString(format, CultureInfo.InvariantCulture);

    private static void Line(StringBuilder md, string text = "") => md.Append(text).Append('\n');
}
