using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// A filter of the proxy's traffic: an <see cref="IKafkaRequestFilter"/>, an <see cref="IKafkaResponseFilter"/> or both.
/// One instance serves every connection, so its state is either shared (and thread-safe) or kept per connection in
/// <see cref="KafkaConnectionInfo.Items"/>.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public interface IKafkaFilter
{
    /// <summary>A short name for logs and metrics.</summary>
    string Name { get; }
}
