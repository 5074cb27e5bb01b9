using Microsoft.Extensions.Configuration;

#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

internal sealed class KafkaProxyBuilder(IServiceCollection services, IConfiguration? configuration) : IKafkaProxyBuilder
{
    public IServiceCollection Services { get; } = services;

    /// <summary>The proxy's configuration section, when it was added with one; filters' options live under its <c>Filters</c>.</summary>
    public IConfiguration? Configuration { get; } = configuration;
}
