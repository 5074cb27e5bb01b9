using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace KafkaProxy.Core.DependencyInjection;

/// <summary>Binds options from a configuration section with one of our reflection-free binders.</summary>
internal sealed class ConfigureFromConfiguration<TOptions>(IConfiguration configuration, Action<IConfiguration, TOptions> bind) : IConfigureOptions<TOptions>
    where TOptions : class
{
    public IConfiguration Configuration { get; } = configuration;

    public void Configure(TOptions options) => bind(Configuration, options);
}
