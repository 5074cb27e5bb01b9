namespace KafkaProxy.Core.Chaos;

/// <summary>
/// What a toxic does, made by its type's factory from validated attributes (<see cref="ToxicTypes"/>); immutable. The
/// network toxics are applied by <see cref="ChaosStream"/> to a connection's bytes; toxics that act on Kafka messages
/// derive from it too and are read by the filters that apply them (<see cref="ChaosConnection.Firing{T}"/>).
/// </summary>
internal abstract class ToxicBehavior
{
}
