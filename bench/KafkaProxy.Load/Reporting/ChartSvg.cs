using System.Globalization;
using System.Security;
using System.Text;

namespace KafkaProxy.Load.Reporting;

/// <summary>
/// The chart of a run, as plain SVG: throughput rows (msgs/s) and latency rows (µs), a direct bar and a proxied bar
/// per row, each row on its own scale. A bar is the median of its side's rounds, with a line from the smallest to the
/// largest round; the ratio written out is the median of the per-round ratios.
/// </summary>
internal static class ChartSvg
{
    private const int Width = 960;
    private const int LabelWidth = 300;
    private const int RatioWidth = 90;
    private const int BarHeight = 14;
    private const int RowHeight = 2 * BarHeight + 14;
    private const int TitleHeight = 34;
    private const int LegendLine = 16;
    private const string DirectColor = "#4c78a8";
    private const string ProxiedColor = "#f58518";

    public static string Render(LoadReport report)
    {
        var throughput = report.Comparisons
            .Select(c => (Label: c.Id, Figure: c.Figures[0]))
            .Where(row => row.Figure.Unit == "msgs/s")
            .ToList();
        var latency = report.Comparisons
            .Where(c => c.Figures[0].Unit == "µs")
            .SelectMany(c => c.Figures.OrderBy(f => f.Direct.Median).Select(f => (Label: $"{c.Id} {f.Name}", Figure: f)))
            .ToList();

        int height = 40 + LegendLine + (2 * TitleHeight) + ((throughput.Count + latency.Count) * RowHeight) + 30;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>\n");
        int y = 20;
        Legend(svg, y, report);
        y += 20 + LegendLine;
        y = Panel(svg, y, "Throughput, msgs/s (higher is better)", throughput);
        Panel(svg, y, "Round-trip latency of one small request, µs (lower is better)", latency);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Legend(StringBuilder svg, int y, LoadReport report)
    {
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"10\" y=\"{y - 10}\" width=\"12\" height=\"12\" fill=\"{DirectColor}\"/><text x=\"28\" y=\"{y}\">direct</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"90\" y=\"{y - 10}\" width=\"12\" height=\"12\" fill=\"{ProxiedColor}\"/><text x=\"108\" y=\"{y}\">through kafka-proxy</text>\n");
        string machine = SecurityElement.Escape($"{report.Machine.Cores} cores, {report.Machine.Cpu}, {report.Started:yyyy-MM-dd}, revision {report.Revision}; each row on its own scale");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"260\" y=\"{y}\" fill=\"#555\">{machine}</text>\n");
        string rounds = report.Rounds == 1
            ? "1 round"
            : $"bars: medians of {report.Rounds} interleaved rounds, lines from the smallest to the largest round; ratios: medians of the per-round ratios";
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"{y + LegendLine}\" fill=\"#555\">{SecurityElement.Escape(rounds)}</text>\n");
    }

    private static int Panel(StringBuilder svg, int y, string title, List<(string Label, FigureComparison Figure)> rows)
    {
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"{y + 20}\" font-size=\"14\" font-weight=\"bold\">{SecurityElement.Escape(title)}</text>\n");
        y += TitleHeight;
        int barSpace = Width - LabelWidth - RatioWidth - 80;
        foreach (var (label, figure) in rows)
        {
            double max = Math.Max(figure.Direct.Max, figure.Proxied.Max);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"{y + BarHeight + 4}\">{SecurityElement.Escape(label)}</text>\n");
            Bar(svg, y, figure.Direct, max, barSpace, DirectColor);
            Bar(svg, y + BarHeight + 2, figure.Proxied, max, barSpace, ProxiedColor);
            double ratio = figure.Ratio.Median;
            bool worse = figure.HigherIsBetter ? ratio < 1 : ratio > 1;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - RatioWidth}\" y=\"{y + BarHeight + 4}\" fill=\"{(worse ? "#b00" : "#070")}\">× {ratio:F3}</text>\n");
            y += RowHeight;
        }

        return y;
    }

    private static void Bar(StringBuilder svg, int y, Spread value, double max, int space, string color)
    {
        double Width(double v) => max > 0 ? Math.Max(1, v / max * space) : 1;
        double width = Width(value.Median);
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{LabelWidth}\" y=\"{y}\" width=\"{width:F1}\" height=\"{BarHeight}\" fill=\"{color}\"/>");
        if (value.Count > 1)
        {
            double middle = y + (BarHeight / 2.0);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{LabelWidth + Width(value.Min):F1}\" x2=\"{LabelWidth + Width(value.Max):F1}\" y1=\"{middle:F1}\" y2=\"{middle:F1}\" stroke=\"#222\" stroke-width=\"1.5\"/>");
        }

        double labelAt = LabelWidth + Width(Math.Max(value.Median, value.Max)) + 4;
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelAt:F1}\" y=\"{y + BarHeight - 3}\">{ReportWriter.Num(value.Median)}</text>\n");
    }
}
