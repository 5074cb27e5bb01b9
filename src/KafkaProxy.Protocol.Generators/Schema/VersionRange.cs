using System;
using System.Globalization;

namespace KafkaProxy.Protocol.Generators.Schema;

/// <summary>
/// A contiguous range of api versions as schemas write it: <c>"3"</c>, <c>"0-4"</c>, <c>"9+"</c> (open above) or
/// <c>"none"</c>. An empty range has <see cref="Lowest"/> above <see cref="Highest"/>.
/// </summary>
internal readonly struct VersionRange : IEquatable<VersionRange>
{
    public static readonly VersionRange None = new(1, 0);

    public static readonly VersionRange All = new(0, short.MaxValue);

    public VersionRange(short lowest, short highest)
    {
        Lowest = lowest;
        Highest = highest;
    }

    public short Lowest { get; }

    public short Highest { get; }

    public bool IsEmpty => Lowest > Highest;

    public bool IsOpen => !IsEmpty && Highest == short.MaxValue;

    public static bool TryParse(string text, out VersionRange range)
    {
        range = None;
        text = text.Trim();
        if (text == "none")
        {
            return true;
        }

        if (text.EndsWith("+", StringComparison.Ordinal))
        {
            if (!TryParseVersion(text.Substring(0, text.Length - 1), out short from))
            {
                return false;
            }

            range = new VersionRange(from, short.MaxValue);
            return true;
        }

        int dash = text.IndexOf('-');
        if (dash < 0)
        {
            if (!TryParseVersion(text, out short only))
            {
                return false;
            }

            range = new VersionRange(only, only);
            return true;
        }

        if (!TryParseVersion(text.Substring(0, dash), out short lowest) || !TryParseVersion(text.Substring(dash + 1), out short highest) || highest < lowest)
        {
            return false;
        }

        range = new VersionRange(lowest, highest);
        return true;
    }

    public bool Contains(short version) => version >= Lowest && version <= Highest;

    public bool Contains(VersionRange other) => other.IsEmpty || (!IsEmpty && other.Lowest >= Lowest && other.Highest <= Highest);

    public VersionRange Intersect(VersionRange other) =>
        IsEmpty || other.IsEmpty ? None : new VersionRange(Math.Max(Lowest, other.Lowest), Math.Min(Highest, other.Highest)) is var r && r.IsEmpty ? None : r;

    public bool Equals(VersionRange other) => (IsEmpty && other.IsEmpty) || (Lowest == other.Lowest && Highest == other.Highest);

    public override bool Equals(object? obj) => obj is VersionRange other && Equals(other);

    public override int GetHashCode() => IsEmpty ? -1 : (Lowest << 16) ^ Highest;

    public override string ToString() =>
        IsEmpty ? "none" : IsOpen ? Lowest.ToString(CultureInfo.InvariantCulture) + "+"
        : Lowest == Highest ? Lowest.ToString(CultureInfo.InvariantCulture)
        : Lowest.ToString(CultureInfo.InvariantCulture) + "-" + Highest.ToString(CultureInfo.InvariantCulture);

    private static bool TryParseVersion(string text, out short version) =>
        short.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version);
}
