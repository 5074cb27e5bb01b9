using System.Collections.Generic;

namespace KafkaProxy.Protocol.Generators.Schema;

/// <summary>A whole schema file: one request or response body and the structs it holds.</summary>
/// <param name="Name">The body's class name.</param>
/// <param name="Namespace">The full namespace of the generated classes.</param>
/// <param name="ApiKey">The api key.</param>
/// <param name="IsRequest">True for a request, false for a response.</param>
/// <param name="Versions">The versions the model reads and writes.</param>
/// <param name="Flexible">The flexible versions (KIP-482): empty, or open above.</param>
/// <param name="Remarks">The remarks of the body's class.</param>
/// <param name="Body">The body's fields.</param>
internal sealed record MessageSchema(
    string Name, string Namespace, short ApiKey, bool IsRequest, VersionRange Versions, VersionRange Flexible, string Remarks, StructSchema Body)
{
    /// <summary>The body's class and every struct class, body first.</summary>
    public IEnumerable<StructSchema> Classes()
    {
        var pending = new Stack<StructSchema>();
        var ordered = new List<StructSchema>();
        pending.Push(Body);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            ordered.Add(current);
            for (int i = current.Fields.Count - 1; i >= 0; i--)
            {
                if (current.Fields[i].Struct is { } nested)
                {
                    pending.Push(nested);
                }
            }
        }

        return ordered;
    }
}
