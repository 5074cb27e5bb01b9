using System.Collections.Generic;

namespace KafkaProxy.Protocol.Generators.Schema;

/// <summary>A whole schema file: one request or response body and the structs it holds.</summary>
internal sealed class MessageSchema
{
    public MessageSchema(string name, string ns, short apiKey, bool isRequest, VersionRange versions, VersionRange flexible, string remarks, StructSchema body)
    {
        Name = name;
        Namespace = ns;
        ApiKey = apiKey;
        IsRequest = isRequest;
        Versions = versions;
        Flexible = flexible;
        Remarks = remarks;
        Body = body;
    }

    public string Name { get; }

    /// <summary>The full namespace of the generated classes.</summary>
    public string Namespace { get; }

    public short ApiKey { get; }

    public bool IsRequest { get; }

    public VersionRange Versions { get; }

    /// <summary>The flexible versions (KIP-482): empty, or open above.</summary>
    public VersionRange Flexible { get; }

    public string Remarks { get; }

    public StructSchema Body { get; }

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
