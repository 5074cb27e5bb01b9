namespace KafkaProxy.Protocol.Generators.Schema;

/// <summary>The wire types a schema field can have (the protocol guide's primitive types, plus nested structs and arrays).</summary>
internal enum FieldKind
{
    Int8,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    Float64,
    Bool,
    Uuid,
    String,
    Bytes,
    Records,
    Struct,
    Array,
}
