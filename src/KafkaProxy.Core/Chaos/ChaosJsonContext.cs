using System.Text.Json;
using System.Text.Json.Serialization;

namespace KafkaProxy.Core.Chaos;

/// <summary>Source-generated JSON of the chaos model (no reflection: trimming and native AOT safe).</summary>
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
internal sealed partial class ChaosJsonContext : JsonSerializerContext
{
}
