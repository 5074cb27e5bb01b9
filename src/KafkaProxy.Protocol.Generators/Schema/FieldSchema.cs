namespace KafkaProxy.Protocol.Generators.Schema;

/// <summary>One field of a message or struct, with every version range already narrowed to where its parent exists.</summary>
/// <param name="Name">The property name.</param>
/// <param name="Doc">The property summary.</param>
/// <param name="Kind">The wire type.</param>
/// <param name="ElementKind">The element type of an array (<see cref="FieldKind.Struct"/> for arrays of structs).</param>
/// <param name="Struct">The struct of a struct field or of an array of structs.</param>
internal sealed record FieldSchema(string Name, string Doc, FieldKind Kind, FieldKind ElementKind, StructSchema? Struct)
{
    /// <summary>The versions in which the field is on the wire.</summary>
    public VersionRange Versions { get; set; }

    /// <summary>The versions in which the field may be null (a subset of <see cref="Versions"/>).</summary>
    public VersionRange Nullable { get; set; } = VersionRange.None;

    /// <summary>True when the field may be null in some version: its property type is then nullable.</summary>
    public bool IsNullableType { get; set; }

    /// <summary>The versions in which a null array is written as an empty one (where the protocol reads empty as what null means elsewhere).</summary>
    public VersionRange NullAsEmpty { get; set; } = VersionRange.None;

    /// <summary>True for a tagged field (KIP-482), present in every one of its <see cref="Versions"/> as tag <see cref="Tag"/>.</summary>
    public bool IsTagged { get; set; }

    public uint Tag { get; set; }

    /// <summary>The C# expression of the field's default value, or null for the type's natural default.</summary>
    public string? DefaultLiteral { get; set; }
}
