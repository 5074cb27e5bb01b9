#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

internal sealed class KafkaProxyBuilder(IServiceCollection services) : IKafkaProxyBuilder
{
    public IServiceCollection Services { get; } = services;
}
