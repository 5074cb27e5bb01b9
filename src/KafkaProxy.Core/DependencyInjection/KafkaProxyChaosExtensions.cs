using System.Diagnostics.CodeAnalysis;
using KafkaProxy.Core;
using KafkaProxy.Core.Chaos;
using Microsoft.Extensions.DependencyInjection.Extensions;

#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Fault injection for tests: the proxy's listeners become chaos proxies that the Toxiproxy API changes.</summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public static class KafkaProxyChaosExtensions
{
    /// <summary>
    /// Makes every listener a chaos proxy (<c>broker-&lt;node id&gt;</c>) whose toxics, and whether it serves at all, change
    /// while clients run; map the API with <c>app.MapKafkaChaosApi()</c>. For test environments only: whoever reaches the
    /// API can take the cluster away. Without this call connections pay nothing for chaos.
    /// </summary>
    /// <param name="builder">What <c>AddKafkaProxy</c> returned.</param>
    /// <returns><paramref name="builder"/>, to chain further registrations.</returns>
    public static IKafkaProxyBuilder AddChaos(this IKafkaProxyBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<ChaosProxies>();
        return builder;
    }
}
