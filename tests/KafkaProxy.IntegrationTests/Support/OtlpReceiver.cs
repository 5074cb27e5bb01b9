using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>
/// A minimal OTLP/HTTP receiver: accepts <c>POST /v1/metrics</c> and <c>POST /v1/traces</c> with protobuf bodies and
/// keeps each body. Protobuf writes strings as their UTF-8 bytes, so names (a metric's, a span's, an attribute's) can
/// be found in a body without decoding it.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();

    private OtlpReceiver(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>The value for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public Uri Endpoint { get; }

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        OtlpReceiver? receiver = null;
        foreach (string path in (string[])["/v1/metrics", "/v1/traces"])
        {
            app.MapPost(path, async context =>
            {
                if (context.Request.ContentType != "application/x-protobuf")
                {
                    context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body, context.RequestAborted);
                receiver!._received.Enqueue((path, body.ToArray()));
                context.Response.ContentType = "application/x-protobuf";
                // An empty Export*ServiceResponse: success.
            });
        }

        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new OtlpReceiver(app, new Uri(address));
        return receiver;
    }

    /// <summary>True once some body posted to <paramref name="path"/> contains every one of <paramref name="texts"/>.</summary>
    public bool Received(string path, params string[] texts) =>
        _received.Any(r => r.Path == path && texts.All(t => Contains(r.Body, System.Text.Encoding.UTF8.GetBytes(t))));

    public string Describe() => string.Join(", ", _received.GroupBy(r => r.Path).Select(g => $"{g.Key}: {g.Count()} bodies, {g.Sum(r => r.Body.Length)} bytes"));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
