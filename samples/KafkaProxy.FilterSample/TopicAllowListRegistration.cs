using KafkaProxy.FilterSample;
using Microsoft.Extensions.Configuration;

#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Adds the topic allow-list filter to a proxy, its options read from <c>KafkaProxy:Filters:TopicAllowList</c>.</summary>
public static class TopicAllowListRegistration
{
    /// <summary>The section under <c>KafkaProxy:Filters</c> the options are read from.</summary>
    public const string SectionName = "TopicAllowList";

    /// <summary>Adds <see cref="TopicAllowListFilter"/>; a key in its section that is not an option fails the start.</summary>
    /// <param name="builder">What <c>AddKafkaProxy</c> returned (with a configuration, so the section can be read).</param>
    /// <returns><paramref name="builder"/>, to chain further registrations.</returns>
    public static IKafkaProxyBuilder AddTopicAllowList(this IKafkaProxyBuilder builder) =>
        builder.AddFilter<TopicAllowListFilter, TopicAllowListOptions>(SectionName, static (section, options) => section.Bind(options, b => b.ErrorOnUnknownConfiguration = true));
}
