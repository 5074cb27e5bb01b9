using System.Buffers;

namespace KafkaProxy.Protocol.Primitives;

/// <summary>
/// A writer that can send bytes it is given by reference, without copying them: bytes read from a peer that go on
/// unchanged and stay valid until the writer's next flush (the reader is advanced only after it).
/// </summary>
internal interface IPassThroughWriter
{
    void WriteReference(in ReadOnlySequence<byte> bytes);

    /// <summary>
    /// Writes bytes that stay valid until <paramref name="output"/>'s next flush: by reference where it can take them,
    /// copied otherwise.
    /// </summary>
    static void Forward(IBufferWriter<byte> output, in ReadOnlySequence<byte> bytes)
    {
        if (output is IPassThroughWriter passThrough)
        {
            passThrough.WriteReference(bytes);
        }
        else
        {
            output.Write(bytes);
        }
    }
}
