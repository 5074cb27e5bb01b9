using System.Globalization;

namespace KafkaProxy.Core.Configuration.Binding;

/// <summary>
/// Durations as configuration and the Go kafka-proxy's flags spell them: Go-style text (<c>15s</c>, <c>500ms</c>,
/// <c>1m30s</c>, <c>2h</c>, <c>0</c>) or .NET <see cref="TimeSpan"/> text (<c>00:05:00</c>, <c>1.00:00:00</c>).
/// </summary>
internal static class Duration
{
    private static readonly (string Unit, double Milliseconds)[] Units =
        [("ns", 1e-6), ("us", 1e-3), ("µs", 1e-3), ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];

    /// <summary>What a valid value looks like, for messages.</summary>
    public const string Examples = "a duration such as 500ms, 15s, 5m, 1h30m or 00:05:00";

    /// <summary>Parses Go-style or <see cref="TimeSpan"/> text; false when it is neither.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string trimmed = text.Trim();
        if (trimmed.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value);
        }

        return TryParseGo(trimmed, out value);
    }

    /// <summary>Parses like <see cref="TryParse"/>; throws <see cref="FormatException"/> naming the value otherwise.</summary>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not {Examples}.");

    private static bool TryParseGo(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (text == "0")
        {
            return true;
        }

        // A sign may lead, as in Go's time.ParseDuration ("-1.5h"); validation decides whether a negative is allowed.
        double sign = text[0] == '-' ? -1 : 1;
        int i = text[0] is '-' or '+' ? 1 : 0;
        if (i == text.Length)
        {
            return false;
        }

        double total = 0;
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
            var match = Array.Find(Units, u => u.Unit == unit);
            if (start == unitStart || match.Unit is null
                || !double.TryParse(text.AsSpan(start, unitStart - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount))
            {
                return false;
            }

            total += amount * match.Milliseconds;
        }

        if (!(total <= TimeSpan.MaxValue.TotalMilliseconds))
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(sign * total);
        return true;
    }
}
