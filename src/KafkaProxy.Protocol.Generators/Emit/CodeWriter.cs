using System.Text;

namespace KafkaProxy.Protocol.Generators.Emit;

/// <summary>
/// Builds C# text line by line with the indentation of its blocks. A blank line is written only when something
/// other than a closing brace or another blank line follows it.
/// </summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;
    private bool _blankPending;

    public void Line(string line = "")
    {
        if (line.Length == 0)
        {
            _blankPending = true;
            return;
        }

        if (_blankPending && !line.StartsWith("}", System.StringComparison.Ordinal))
        {
            _text.Append('\n');
        }

        _blankPending = false;
        _text.Append(' ', _depth * 4).Append(line).Append('\n');
    }

    /// <summary>Writes <paramref name="header"/> (if any) and opens a block.</summary>
    public void Open(string? header = null)
    {
        if (header is not null)
        {
            Line(header);
        }

        Line("{");
        _depth++;
    }

    public void Close(string closing = "}")
    {
        _depth--;
        Line(closing);
    }

    public override string ToString() => _text.ToString();
}
