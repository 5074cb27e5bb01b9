using System.Globalization;

namespace KafkaProxy.Core.Configuration.CommandLine;

/// <summary>Durations as the Go kafka-proxy's flags spell them: <c>15s</c>, <c>500ms</c>, <c>1m30s</c>, <c>2h</c>, or <c>0</c>.</summary>
public static class GoDuration
{
    private static readonly (string Unit, double Milliseconds)[] Units =
        [("ns", 1e-6), ("us", 1e-3), ("µs", 1e-3), ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];

    /// <summary>Parses a duration; throws <see cref="FormatException"/> naming the value otherwise.</summary>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "0")
        {
            return TimeSpan.Zero;
        }

        double total = 0;
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            int unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]) && text[i] != '.')
            {
                i++;
            }

            string unit = text[unitStart..i];
            var match = Units.FirstOrDefault(u => u.Unit == unit);
            if (start == unitStart || match.Unit is null
                || !double.TryParse(text.AsSpan(start, unitStart - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value))
            {
                throw new FormatException($"'{text}' is not a duration: write a number with a unit, such as 500ms, 15s, 2m or 1h30m.");
            }

            total += value * match.Milliseconds;
        }

        return text.Length == 0 ? throw new FormatException("An empty duration: write a number with a unit, such as 15s.") : TimeSpan.FromMilliseconds(total);
    }
}
