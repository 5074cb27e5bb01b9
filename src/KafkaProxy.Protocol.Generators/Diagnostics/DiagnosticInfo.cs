using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace KafkaProxy.Protocol.Generators.Diagnostics;

/// <summary>
/// A diagnostic as plain, comparable data (a <see cref="Diagnostic"/> holds a <see cref="Location"/>, which would make
/// every run of the incremental pipeline look new).
/// </summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, string Message, string FilePath, TextSpan Span, LinePositionSpan Lines)
{
    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, Location.Create(FilePath, Span, Lines), Message);
}
