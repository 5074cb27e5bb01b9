using System.Diagnostics.CodeAnalysis;
using KafkaProxy.Core;
using KafkaProxy.Core.Chaos;
using KafkaProxy.Http.Chaos;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

#pragma warning disable IDE0130 // Endpoint extensions live in ASP.NET Core's builder namespace, as its own Map* methods do.
namespace Microsoft.AspNetCore.Builder;
#pragma warning restore IDE0130

/// <summary>Maps Toxiproxy's HTTP API over the proxy's chaos proxies (registered with <c>AddChaos()</c>).</summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public static class ChaosEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET /proxies</c>, <c>GET|POST /proxies/{proxy}</c>, <c>GET|POST /proxies/{proxy}/toxics</c>,
    /// <c>GET|POST|PATCH|DELETE /proxies/{proxy}/toxics/{toxic}</c>, <c>POST /reset</c> and <c>GET /version</c>, as
    /// Toxiproxy serves them, so that its clients in any language drive the proxy. Whoever reaches these endpoints can
    /// take the cluster away: serve them on loopback, or on a port only tests reach (the returned builder takes
    /// <c>RequireHost</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>AddChaos()</c> was not called.</exception>
    public static RouteGroupBuilder MapKafkaChaosApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var proxies = endpoints.ServiceProvider.GetService<ChaosProxies>()
            ?? throw new InvalidOperationException("The chaos API needs the chaos proxies: call services.AddKafkaProxy(...).AddChaos() first.");
        var loggers = endpoints.ServiceProvider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var api = new ChaosApi(proxies, loggers.CreateLogger(KafkaProxy.Http.Chaos.Log.Category));
        var group = endpoints.MapGroup("/");
        // RequestDelegates, not Delegates: nothing to bind, so no reflection (trimming and native AOT safe).
        group.MapGet("/proxies", api.ListProxies);
        group.MapPost("/proxies", ChaosApi.RefuseProxyChange);
        group.MapPost("/populate", ChaosApi.RefuseProxyChange);
        group.MapGet("/proxies/{proxy}", api.ShowProxy);
        group.MapMethods("/proxies/{proxy}", ["POST", "PATCH"], api.UpdateProxy);
        group.MapDelete("/proxies/{proxy}", ChaosApi.RefuseProxyChange);
        group.MapGet("/proxies/{proxy}/toxics", api.ListToxics);
        group.MapPost("/proxies/{proxy}/toxics", api.CreateToxic);
        group.MapGet("/proxies/{proxy}/toxics/{toxic}", api.ShowToxic);
        group.MapMethods("/proxies/{proxy}/toxics/{toxic}", ["POST", "PATCH"], api.UpdateToxic);
        group.MapDelete("/proxies/{proxy}/toxics/{toxic}", api.DeleteToxic);
        group.MapPost("/reset", api.Reset);
        group.MapGet("/version", ChaosApi.Version);
        return group;
    }
}
