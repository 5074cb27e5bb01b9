using System;
using Microsoft.CodeAnalysis.Text;

namespace KafkaProxy.Protocol.Generators.Json;

/// <summary>The text is not JSON: what was wrong and where.</summary>
internal sealed class JsonParseException : Exception
{
    public JsonParseException(string message, TextSpan span)
        : base(message) => Span = span;

    public TextSpan Span { get; }
}
