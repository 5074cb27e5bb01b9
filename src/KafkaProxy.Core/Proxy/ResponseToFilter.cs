using System.Buffers;
using KafkaProxy.Core.Filters;

namespace KafkaProxy.Core.Proxy;

/// <summary>
/// A whole response the response filters want, waiting for the response pump: the request it answers (the head of the
/// in-flight ring), the frame as the client would get it, and how many bytes of the broker's stream it took (0 for an
/// answer a request filter gave), and the chains of the settings that wanted it.
/// </summary>
internal readonly record struct ResponseToFilter(InFlightRequests.Entry Request, ReadOnlySequence<byte> Frame, long Consumed, bool AnsweredByProxy, FilterChains Filters);
