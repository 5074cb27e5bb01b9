using System.Buffers;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.Common;

/// <summary>
/// A request or response body generated from a schema (<c>Schemas/README.md</c>): code that holds only the type can
/// read, write and size any of them, for example to decode the frames a filter asked for.
/// </summary>
/// <typeparam name="TSelf">The message type itself.</typeparam>
internal interface IKafkaMessage<TSelf>
    where TSelf : class, IKafkaMessage<TSelf>
{
    /// <summary>The api key of the message.</summary>
    static abstract short ApiKey { get; }

    /// <summary>The lowest version the model reads and writes.</summary>
    static abstract short LowestVersion { get; }

    /// <summary>The highest version the model reads and writes.</summary>
    static abstract short HighestVersion { get; }

    /// <summary>Reads a body of the given version.</summary>
    /// <exception cref="KafkaProtocolException">The data is malformed or the version is not supported.</exception>
    static abstract TSelf Read(ref KafkaReader reader, short version);

    /// <summary>Writes the body in the given version.</summary>
    void Write(IBufferWriter<byte> writer, short version);

    /// <summary>The number of bytes <see cref="Write"/> writes for the given version.</summary>
    int Size(short version);
}
