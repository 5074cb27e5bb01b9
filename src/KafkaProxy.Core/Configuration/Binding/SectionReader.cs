using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace KafkaProxy.Core.Configuration.Binding;

/// <summary>
/// Reads typed settings from one configuration section without reflection (so it trims and compiles ahead of time).
/// Each value that does not parse becomes a message naming its key, never an exception; every key read is recorded, so
/// that a key nobody reads can be reported as not being a setting.
/// </summary>
internal sealed class SectionReader
{
    private readonly IConfiguration _section;
    private readonly string _relative;
    private readonly Shared _shared;

    public SectionReader(IConfiguration section, ICollection<string> errors)
        : this(section, string.Empty, new Shared(section is IConfigurationSection s ? s.Path : string.Empty, errors))
    {
    }

    private SectionReader(IConfiguration section, string relative, Shared shared)
    {
        _section = section;
        _relative = relative;
        _shared = shared;
    }

    /// <summary>The configuration path of the section read (empty for a root).</summary>
    public string SectionPath => _shared.Root;

    /// <summary>The settings this reader was asked for, relative to the section, in the order asked.</summary>
    public IReadOnlyList<string> Declared => _shared.Declared;

    /// <summary>The full configuration key of a setting, as messages name it.</summary>
    public string KeyOf(string name) => Join(Join(_shared.Root, _relative), name);

    /// <summary>A reader for a nested section, sharing this one's messages and records.</summary>
    public SectionReader Child(string name) => new(_section.GetSection(name), Join(_relative, name), _shared);

    /// <summary>Records a message about a setting.</summary>
    public void Error(string name, string message) => _shared.Errors.Add($"{KeyOf(name)}: {message}");

    /// <summary>The text of a setting, or null when absent. A setting given as a section (with children) is an error.</summary>
    public string? Text(string name)
    {
        Declare(name);
        var section = _section.GetSection(name);
        if (section.Value is { } value)
        {
            return value;
        }

        if (section.GetChildren().Any())
        {
            Error(name, "give a single value here, not a section or a list.");
        }

        return null;
    }

    public bool? Bool(string name) => Parse<bool>(name, "true or false", static text => bool.TryParse(text.Trim(), out bool b) ? b : null);

    public int? Int(string name) => Parse<int>(name, "a whole number", static text =>
        int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) ? n : null);

    public long? Long(string name) => Parse<long>(name, "a whole number", static text =>
        long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) ? n : null);

    public short? Short(string name) => Parse<short>(name, "a whole number from 0 to 32767", static text =>
        short.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out short n) ? n : null);

    public double? Double(string name) => Parse<double>(name, "a number such as 0.85", static text =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double n) ? n : null);

    public TimeSpan? Duration(string name) => Parse<TimeSpan>(name, Binding.Duration.Examples, static text =>
        Binding.Duration.TryParse(text, out var d) ? d : null);

    /// <summary>A value written as text and parsed by <paramref name="parse"/>, whose <see cref="FormatException"/> becomes the message.</summary>
    public T? Parsed<T>(string name, Func<string, T> parse)
        where T : struct
    {
        string? text = Text(name);
        if (text is null)
        {
            return null;
        }

        try
        {
            return parse(text);
        }
        catch (FormatException ex)
        {
            Error(name, ex.Message);
            return null;
        }
    }

    /// <summary>
    /// A list of texts, or null when absent. It is written as items (<c>["a","b"]</c>, <c>Name:0</c>, <c>Name:1</c>) or as one
    /// value split at <paramref name="separators"/> (how flags and environment variables write it). A list written as one
    /// value wins over items from another source, so that a flag replaces a file's list instead of merging with it by index;
    /// an empty value (how JSON writes <c>[]</c>) is an empty list unless another source gives items.
    /// Each item may itself hold several entries split the same way.
    /// </summary>
    public IReadOnlyList<string>? List(string name, params char[] separators)
    {
        Declare(name);
        var section = _section.GetSection(name);
        IEnumerable<string?> texts;
        var items = section.GetChildren().ToList();
        if (section.Value is { } value && (value.Length > 0 || items.Count == 0))
        {
            ReadAll(name, section);
            texts = [value];
        }
        else
        {
            if (items.Count == 0)
            {
                return null;
            }

            foreach (var item in items)
            {
                if (item.Value is null)
                {
                    Error(Join(name, item.Key), "give a value here, not a section.");
                }

                Read(Join(name, item.Key));
            }

            texts = items.Select(i => i.Value);
        }

        return [.. texts.SelectMany(t => (t ?? string.Empty).Split(separators, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];
    }

    /// <summary>
    /// A list whose items are written either as text (parsed by <paramref name="fromText"/>) or as objects (read by
    /// <paramref name="fromObject"/>); one value holding several items separated by <paramref name="separator"/> wins over
    /// items, as in <see cref="List"/>. Returns null when absent.
    /// </summary>
    public List<T>? Items<T>(string name, char separator, Func<string, T> fromText, Func<SectionReader, T?> fromObject)
        where T : class
    {
        Declare(name);
        var section = _section.GetSection(name);
        var result = new List<T>();
        var items = section.GetChildren().ToList();
        if (section.Value is { } value && (value.Length > 0 || items.Count == 0))
        {
            ReadAll(name, section);
            string[] parts = value.Split(separator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            for (int i = 0; i < parts.Length; i++)
            {
                if (FromText(parts.Length == 1 ? name : $"{name} (item {i + 1})", parts[i], fromText) is { } parsed)
                {
                    result.Add(parsed);
                }
            }

            return result;
        }

        if (items.Count == 0)
        {
            return null;
        }

        foreach (var item in items)
        {
            string itemName = Join(name, item.Key);
            if (item.Value is { } text)
            {
                Read(itemName);
                if (FromText(itemName, text, fromText) is { } parsed)
                {
                    result.Add(parsed);
                }
            }
            else if (fromObject(new SectionReader(item, Join(_relative, itemName), _shared)) is { } read)
            {
                result.Add(read);
            }
        }

        return result;
    }

    /// <summary>Every key and value under <paramref name="name"/>, as a dictionary of free-form settings.</summary>
    public IReadOnlyDictionary<string, string>? Map(string name)
    {
        Declare(name);
        _shared.Covered.Add(Join(_relative, name));
        var section = _section.GetSection(name);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
        {
            if (value is not null)
            {
                map[key] = value;
            }
        }

        return map.Count == 0 ? null : map;
    }

    /// <summary>
    /// Reports every key of the section that no read asked for, except under <paramref name="ownedElsewhere"/> (sections
    /// that other components read), with the closest setting's name when one is close.
    /// </summary>
    public void ReportUnknownKeys(params string[] ownedElsewhere)
    {
        foreach (var (key, value) in _section.AsEnumerable(makePathsRelative: true))
        {
            if (value is null || _shared.Read.Contains(key)
                || _shared.Covered.Any(c => key.StartsWith(c + ":", StringComparison.OrdinalIgnoreCase))
                || ownedElsewhere.Any(o => key.Equals(o, StringComparison.OrdinalIgnoreCase) || key.StartsWith(o + ":", StringComparison.OrdinalIgnoreCase))
                || (value.Length == 0 && IsContainerOfDeclared(key)))
            {
                continue;
            }

            string hint = Closest(key) is { } near ? $" Did you mean {Join(_shared.Root, near)}?" : string.Empty;
            _shared.Errors.Add($"{Join(_shared.Root, key)} is not a setting: remove it or correct its name.{hint}");
        }
    }

    private T? Parse<T>(string name, string expected, Func<string, T?> parse)
        where T : struct
    {
        string? text = Text(name);
        if (text is null)
        {
            return null;
        }

        if (parse(text) is { } value)
        {
            return value;
        }

        Error(name, $"'{text}' is not {expected}.");
        return null;
    }

    private T? FromText<T>(string name, string text, Func<string, T> parse)
        where T : class
    {
        try
        {
            return parse(text);
        }
        catch (FormatException ex)
        {
            Error(name, ex.Message);
            return null;
        }
    }

    // A setting asked for: recorded as read (so it is never an unknown key) and, outside list items, as declared.
    private void Declare(string name)
    {
        string path = Join(_relative, name);
        Read(name);
        if (!_shared.Declared.Contains(path, StringComparer.OrdinalIgnoreCase) && !IsInsideItem(path))
        {
            _shared.Declared.Add(path);
        }
    }

    private void Read(string name) => _shared.Read.Add(Join(_relative, name));

    // A list given as one value replaces items that other sources give: those are read, and ignored.
    private void ReadAll(string name, IConfigurationSection section)
    {
        foreach (var (key, _) in section.AsEnumerable(makePathsRelative: true))
        {
            Read(Join(name, key));
        }
    }

    // An empty object or array in JSON reads as an empty value at its key: harmless where a setting lives below it.
    private bool IsContainerOfDeclared(string key) =>
        _shared.Declared.Any(d => d.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase));

    // Keys inside list items (Brokers:0:Upstream) are not settings of their own.
    private static bool IsInsideItem(string path) => path.Split(':').Any(p => p.Length > 0 && char.IsAsciiDigit(p[0]));

    private string? Closest(string key)
    {
        string? best = null;
        int bestDistance = 3;
        foreach (string declared in _shared.Declared)
        {
            int distance = Distance(key, declared);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (declared, distance);
            }
        }

        return best;
    }

    private static int Distance(string a, string b)
    {
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static string Join(string left, string right) => left.Length == 0 ? right : right.Length == 0 ? left : $"{left}:{right}";

    private sealed class Shared(string root, ICollection<string> errors)
    {
        public string Root { get; } = root;

        public ICollection<string> Errors { get; } = errors;

        public List<string> Declared { get; } = [];

        public HashSet<string> Read { get; } = new(StringComparer.OrdinalIgnoreCase);

        public List<string> Covered { get; } = [];
    }
}
