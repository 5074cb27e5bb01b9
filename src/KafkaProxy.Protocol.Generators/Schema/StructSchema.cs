using System.Collections.Generic;

namespace KafkaProxy.Protocol.Generators.Schema;

/// <summary>A message body or a struct inside it: one generated class.</summary>
internal sealed class StructSchema
{
    public StructSchema(string className, string doc)
    {
        ClassName = className;
        Doc = doc;
    }

    public string ClassName { get; }

    public string Doc { get; }

    public List<FieldSchema> Fields { get; } = new();

    /// <summary>The versions in which this struct can appear (the message's versions for the body).</summary>
    public VersionRange Reach { get; set; }

    /// <summary>True when the struct is the value of a tagged field, which is written only when it differs from its defaults.</summary>
    public bool IsTaggedValue { get; set; }
}
