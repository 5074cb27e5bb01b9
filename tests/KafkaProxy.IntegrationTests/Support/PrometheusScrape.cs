using System.Globalization;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>
/// A scrape of <c>/metrics</c> read back: each family's type and each sample's name, labels and value. Labels compare
/// as sets (their order in the text is the exporter's choice).
/// </summary>
internal sealed class PrometheusScrape
{
    private PrometheusScrape(Dictionary<string, string> types, List<Sample> samples)
    {
        Types = types;
        Samples = samples;
    }

    /// <summary>Family name → type (<c>counter</c>, <c>gauge</c>, <c>histogram</c>), from the <c># TYPE</c> lines.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyList<Sample> Samples { get; }

    public static PrometheusScrape Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ');
                types[parts[2]] = parts[3];
                continue;
            }

            if (line.StartsWith('#'))
            {
                continue;
            }

            samples.Add(ParseSample(line));
        }

        return new PrometheusScrape(types, samples);
    }

    /// <summary>The family a sample belongs to: its name less a histogram's <c>_bucket</c>, <c>_sum</c> or <c>_count</c>.</summary>
    public string FamilyOf(Sample sample)
    {
        foreach (string suffix in (string[])["_bucket", "_sum", "_count"])
        {
            if (sample.Name.EndsWith(suffix, StringComparison.Ordinal) && Types.TryGetValue(sample.Name[..^suffix.Length], out string? type) && type == "histogram")
            {
                return sample.Name[..^suffix.Length];
            }
        }

        return sample.Name;
    }

    /// <summary>The value of the one sample named <paramref name="name"/> whose labels include <paramref name="labels"/>; the sum if several match.</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out string? v) && v == l.Value)).Sum(s => s.Value);

    public bool Has(string name, params (string Key, string Value)[] labels) =>
        Samples.Any(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out string? v) && v == l.Value));

    private static Sample ParseSample(string line)
    {
        int brace = line.IndexOf('{', StringComparison.Ordinal);
        int space = line.LastIndexOf(' ');
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        string name;
        if (brace < 0 || brace > space)
        {
            name = line[..line.IndexOf(' ', StringComparison.Ordinal)];
        }
        else
        {
            name = line[..brace];
            int i = brace + 1;
            while (line[i] != '}')
            {
                int equals = line.IndexOf('=', i);
                string key = line[i..equals];
                i = equals + 2; // past ="
                var value = new System.Text.StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }

                    i++;
                }

                labels[key] = value.ToString();
                i++; // the closing quote
                if (line[i] == ',')
                {
                    i++;
                }
            }
        }

        string number = line[(space + 1)..];
        double parsed = number switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(number, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, parsed);
    }

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
