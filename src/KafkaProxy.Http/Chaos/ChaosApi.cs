using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KafkaProxy.Core.Chaos;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.Http.Chaos;

/// <summary>
/// The handlers of Toxiproxy's HTTP API over the engine's chaos proxies. Request bodies are read field by field, so that
/// a wrong one is answered 400 with its name; unknown proxies and toxics 404; a toxic name taken 409. Proxies are the
/// engine's listeners: creating or deleting them is answered 405.
/// </summary>
internal sealed class ChaosApi(ChaosProxies proxies, ILogger logger)
{
    private static ChaosApiJsonContext Json => ChaosApiJsonContext.Default;

    public Task ListProxies(HttpContext context) => Run(context, async () =>
        await Write(context, StatusCodes.Status200OK, proxies.All.ToDictionary(p => p.Name, ChaosProxyJson.From, StringComparer.Ordinal), Json.DictionaryStringChaosProxyJson).ConfigureAwait(false));

    public Task ShowProxy(HttpContext context) => Run(context, async () =>
        await Write(context, StatusCodes.Status200OK, ChaosProxyJson.From(Proxy(context)), Json.ChaosProxyJson).ConfigureAwait(false));

    public Task UpdateProxy(HttpContext context) => Run(context, async () =>
    {
        var proxy = Proxy(context);
        using var body = await ReadBody(context).ConfigureAwait(false);
        var root = body.RootElement;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "enabled":
                    proxy.SetEnabled(property.Value.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw ChaosRequestException.Field("enabled", $"{property.Value.GetRawText()} is not true or false"),
                    });
                    Log.ProxyChanged(logger, proxy.Name, proxy.Enabled ? "enabled" : "disabled: its connections closed, new ones are closed at once");
                    break;
                case "name" or "listen" or "upstream":
                    string current = property.Name == "name" ? proxy.Name : property.Name == "listen" ? proxy.Listen : proxy.Upstream;
                    if (property.Value.ValueKind != JsonValueKind.String || property.Value.GetString() != current)
                    {
                        throw ChaosRequestException.Field(property.Name, $"cannot change: the proxy is the listener of a broker ({property.Name} is {current}); only enabled can be set");
                    }

                    break;
            }
        }

        await Write(context, StatusCodes.Status200OK, ChaosProxyJson.From(proxy), Json.ChaosProxyJson).ConfigureAwait(false);
    });

    public Task ListToxics(HttpContext context) => Run(context, async () =>
        await Write(context, StatusCodes.Status200OK, Proxy(context).Toxics.Select(ChaosToxicJson.From).ToList(), Json.ListChaosToxicJson).ConfigureAwait(false));

    public Task CreateToxic(HttpContext context) => Run(context, async () =>
    {
        var proxy = Proxy(context);
        using var body = await ReadBody(context).ConfigureAwait(false);
        var root = body.RootElement;
        var toxic = proxy.AddToxic(Text(root, "name"), Text(root, "type"), Text(root, "stream"), Number(root, "toxicity"), Attributes(root));
        LogToxic(proxy, toxic, "added");
        await Write(context, StatusCodes.Status200OK, ChaosToxicJson.From(toxic), Json.ChaosToxicJson).ConfigureAwait(false);
    });

    public Task ShowToxic(HttpContext context) => Run(context, async () =>
        await Write(context, StatusCodes.Status200OK, ChaosToxicJson.From(Proxy(context).GetToxic(ToxicName(context))), Json.ChaosToxicJson).ConfigureAwait(false));

    public Task UpdateToxic(HttpContext context) => Run(context, async () =>
    {
        var proxy = Proxy(context);
        string name = ToxicName(context);
        proxy.GetToxic(name); // 404 before the body is read
        using var body = await ReadBody(context).ConfigureAwait(false);
        var root = body.RootElement;
        var toxic = proxy.UpdateToxic(name, Attributes(root), Number(root, "toxicity"));
        LogToxic(proxy, toxic, "updated");
        await Write(context, StatusCodes.Status200OK, ChaosToxicJson.From(toxic), Json.ChaosToxicJson).ConfigureAwait(false);
    });

    public Task DeleteToxic(HttpContext context) => Run(context, () =>
    {
        var proxy = Proxy(context);
        string name = ToxicName(context);
        proxy.RemoveToxic(name);
        Log.ToxicRemoved(logger, name, proxy.Name);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    });

    public Task Reset(HttpContext context) => Run(context, () =>
    {
        proxies.Reset();
        Log.Reset(logger);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    });

    public static Task Version(HttpContext context) => Write(context, StatusCodes.Status200OK, new ChaosVersionJson(ChaosProxies.Version), Json.ChaosVersionJson);

    public static Task RefuseProxyChange(HttpContext context) => WriteError(context, StatusCodes.Status405MethodNotAllowed,
        "proxies cannot be created or deleted here: each is a broker listener of the Kafka proxy, named broker-<node id> (GET /proxies lists them); disable one with POST /proxies/{name} {\"enabled\": false}");

    private void LogToxic(ChaosProxy proxy, Toxic toxic, string change) =>
        Log.ToxicChanged(logger, toxic.Name, toxic.Type, Toxic.StreamName(toxic.Stream), toxic.Toxicity, change, proxy.Name, toxic.Attributes.GetRawText());

    private ChaosProxy Proxy(HttpContext context) => proxies.Get((string)context.Request.RouteValues["proxy"]!);

    private static string ToxicName(HttpContext context) => (string)context.Request.RouteValues["toxic"]!;

    private static async Task Run(HttpContext context, Func<Task> handle)
    {
        try
        {
            await handle().ConfigureAwait(false);
        }
        catch (ChaosRequestException ex)
        {
            await WriteError(context, ex.Status, ex.Message).ConfigureAwait(false);
        }
    }

    private static async Task<JsonDocument> ReadBody(HttpContext context)
    {
        JsonDocument body;
        try
        {
            body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw ChaosRequestException.Field("body", $"not JSON: {ex.Message}");
        }

        if (body.RootElement.ValueKind != JsonValueKind.Object)
        {
            body.Dispose();
            throw ChaosRequestException.Field("body", "must be a JSON object");
        }

        return body;
    }

    private static string? Text(JsonElement root, string field) =>
        !root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw ChaosRequestException.Field(field, $"{value.GetRawText()} is not a string");

    private static double? Number(JsonElement root, string field) =>
        !root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number ? value.GetDouble()
        : throw ChaosRequestException.Field(field, $"{value.GetRawText()} is not a number");

    private static JsonElement Attributes(JsonElement root) => root.TryGetProperty("attributes", out var value) ? value : default;

    private static Task WriteError(HttpContext context, int status, string message) =>
        Write(context, status, new ChaosErrorJson(message, status), Json.ChaosErrorJson);

    private static async Task Write<T>(HttpContext context, int status, T value, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted).ConfigureAwait(false);
    }
}
