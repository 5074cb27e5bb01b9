using System.Text.Json;
using System.Text.Json.Serialization;
using KafkaProxy.Core.Chaos;

namespace KafkaProxy.Http.Chaos;

/// <summary>A proxy as Toxiproxy's API shows it.</summary>
internal sealed record ChaosProxyJson(string Name, string Listen, string Upstream, bool Enabled, IReadOnlyList<ChaosToxicJson> Toxics)
{
    public static ChaosProxyJson From(ChaosProxy proxy) =>
        new(proxy.Name, proxy.Listen, proxy.Upstream, proxy.Enabled, [.. proxy.Toxics.Select(ChaosToxicJson.From)]);
}

/// <summary>A toxic as Toxiproxy's API shows it.</summary>
internal sealed record ChaosToxicJson(string Name, string Type, string Stream, double Toxicity, JsonElement Attributes)
{
    public static ChaosToxicJson From(Toxic toxic) => new(toxic.Name, toxic.Type, Toxic.StreamName(toxic.Stream), toxic.Toxicity, toxic.Attributes);
}

/// <summary>An error as Toxiproxy's API answers it.</summary>
internal sealed record ChaosErrorJson(string Error, int Status);

/// <summary>The answer of <c>GET /version</c>.</summary>
internal sealed record ChaosVersionJson(string Version);

/// <summary>Source-generated JSON of the Toxiproxy API (no reflection: trimming and native AOT safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ChaosProxyJson))]
[JsonSerializable(typeof(Dictionary<string, ChaosProxyJson>))]
[JsonSerializable(typeof(List<ChaosToxicJson>))]
[JsonSerializable(typeof(ChaosToxicJson))]
[JsonSerializable(typeof(ChaosErrorJson))]
[JsonSerializable(typeof(ChaosVersionJson))]
internal sealed partial class ChaosApiJsonContext : JsonSerializerContext
{
}
