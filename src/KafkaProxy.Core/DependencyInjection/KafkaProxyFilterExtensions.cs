using System.Diagnostics.CodeAnalysis;
using KafkaProxy.Core;
using KafkaProxy.Core.Filters;
using Microsoft.Extensions.Configuration;

#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>
/// Registers the user's filters on the proxy. They run in the order they are added, after the proxy's own (the
/// policies); responses pass the response filters in the same order.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public static class KafkaProxyFilterExtensions
{
    /// <summary>
    /// Adds <typeparamref name="TFilter"/>, one instance for the whole proxy, created from the container: its constructor
    /// may take any registered service (<c>ILogger&lt;TFilter&gt;</c>, <c>IMeterFactory</c>, <see cref="TimeProvider"/>,
    /// <c>IOptions&lt;T&gt;</c>, ...).
    /// </summary>
    /// <typeparam name="TFilter">A request filter, a response filter, or both.</typeparam>
    /// <param name="builder">What <c>AddKafkaProxy</c> returned.</param>
    /// <returns><paramref name="builder"/>, to chain further registrations.</returns>
    public static IKafkaProxyBuilder AddFilter<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFilter>(this IKafkaProxyBuilder builder)
        where TFilter : class, IKafkaFilter
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IKafkaFilter>(static sp => ActivatorUtilities.CreateInstance<TFilter>(sp));
        return builder;
    }

    /// <summary>Adds the filter <paramref name="factory"/> creates, once, when the proxy is built.</summary>
    /// <typeparam name="TFilter">A request filter, a response filter, or both.</typeparam>
    /// <param name="builder">What <c>AddKafkaProxy</c> returned.</param>
    /// <param name="factory">Creates the filter from the container.</param>
    /// <returns><paramref name="builder"/>, to chain further registrations.</returns>
    public static IKafkaProxyBuilder AddFilter<TFilter>(this IKafkaProxyBuilder builder, Func<IServiceProvider, TFilter> factory)
        where TFilter : class, IKafkaFilter
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.AddSingleton<IKafkaFilter>(factory);
        return builder;
    }

    /// <summary>
    /// Adds <typeparamref name="TFilter"/> with options of its own: <paramref name="bind"/> reads
    /// <typeparamref name="TOptions"/> from <c>Filters:<paramref name="name"/></c> under the proxy's section
    /// (<c>KafkaProxy:Filters:<paramref name="name"/></c>) when the proxy was added with a configuration; the
    /// <c>IValidateOptions&lt;TOptions&gt;</c> you register run when the host starts, so bad options never serve traffic.
    /// The filter's constructor takes <c>IOptions&lt;TOptions&gt;</c>. <c>(section, o) =&gt; section.Bind(o)</c> is the usual
    /// <paramref name="bind"/>; with the configuration binder's source generator it is Native AOT safe.
    /// </summary>
    /// <typeparam name="TFilter">A request filter, a response filter, or both.</typeparam>
    /// <typeparam name="TOptions">The filter's options.</typeparam>
    /// <param name="builder">What <c>AddKafkaProxy</c> returned.</param>
    /// <param name="name">The filter's section under <c>KafkaProxy:Filters</c>.</param>
    /// <param name="bind">Reads the options from the filter's section.</param>
    /// <returns><paramref name="builder"/>, to chain further registrations.</returns>
    public static IKafkaProxyBuilder AddFilter<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFilter, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(this IKafkaProxyBuilder builder, string name, Action<IConfiguration, TOptions> bind)
        where TFilter : class, IKafkaFilter
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(bind);
        var options = builder.Services.AddOptions<TOptions>();
        if ((builder as KafkaProxyBuilder)?.Configuration is { } configuration)
        {
            var section = configuration.GetSection("Filters").GetSection(name);
            options.Configure(o => bind(section, o));
        }

        options.ValidateOnStart();
        return builder.AddFilter<TFilter>();
    }
}
