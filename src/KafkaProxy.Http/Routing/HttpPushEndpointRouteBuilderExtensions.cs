using KafkaProxy.Http.Gateway;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

#pragma warning disable IDE0130 // Endpoint extensions live in ASP.NET Core's builder namespace, as its own Map* methods do.
namespace Microsoft.AspNetCore.Builder;
#pragma warning restore IDE0130

/// <summary>Maps the HTTP push gateway's endpoints (registered with <c>AddHttpPush</c>).</summary>
public static class HttpPushEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST {prefix}/</c> (a body of 4-byte little-endian length-prefixed messages) and
    /// <c>POST {prefix}/topic/{topic}</c>; both need the <c>x-kafka-proxy-token</c> header. Returns the route group, for
    /// conventions such as rate limiting.
    /// </summary>
    public static RouteGroupBuilder MapHttpPushGateway(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // Resolved per request, so that options are first read (and validated) when the host starts, not here.
        var group = endpoints.MapGroup(prefix);
        group.MapPost("/", context => context.RequestServices.GetRequiredService<PushEndpoints>().PushAsync(context));
        group.MapPost("/topic/{topic}", context => context.RequestServices.GetRequiredService<PushEndpoints>().SwitchTopicAsync(context));
        return group;
    }
}
