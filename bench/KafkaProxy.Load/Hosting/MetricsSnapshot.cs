using System.Globalization;

namespace KafkaProxy.Load.Hosting;

/// <summary>One scrape of the proxy's Prometheus text: every sample line, summed by name and an optional label.</summary>
internal sealed class MetricsSnapshot
{
    private readonly List<(string Name, string Labels, double Value)> _samples;

    private MetricsSnapshot(List<(string Name, string Labels, double Value)> samples) => _samples = samples;

    public static MetricsSnapshot Parse(string text)
    {
        var samples = new List<(string, string, double)>();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            int space = line.LastIndexOf(' ');
            int brace = line.IndexOf('{', StringComparison.Ordinal);
            string name = brace > 0 && brace < space ? line[..brace] : line[..space];
            string labels = brace > 0 && brace < space ? line[(brace + 1)..line.LastIndexOf('}')] : string.Empty;
            if (double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                samples.Add((name, labels, value));
            }
        }

        return new MetricsSnapshot(samples);
    }

    /// <summary>The sum of every series of <paramref name="name"/> whose labels contain <paramref name="labelContains"/>.</summary>
    public double Sum(string name, string? labelContains = null) => _samples
        .Where(s => s.Name == name && (labelContains is null || s.Labels.Contains(labelContains, StringComparison.Ordinal)))
        .Sum(s => s.Value);

    /// <summary>Every series of <paramref name="name"/> as <c>{labels} value</c>, for messages.</summary>
    public string Describe(string name) => string.Join(", ", _samples.Where(s => s.Name == name).Select(s => $"{{{s.Labels}}} {s.Value}"));

    public bool Has(string name) => _samples.Exists(s => s.Name == name);

    /// <summary>The requests the proxy refused and the connections it closed (bad frames, deadlines), for a note; null when none.</summary>
    public string? Refusals() => Sum("proxy_requests_refused_total") + Sum("proxy_frames_rejected_total") > 0
        ? $"{Describe("proxy_requests_refused_total")} {Describe("proxy_frames_rejected_total")}"
        : null;
}
