using System.Buffers;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Core.Filters.Policies;

/// <summary>
/// What the policies read from a CreateTopics request body (v0-v7): each topic's name, partitions, replication factor
/// and explicit assignments. Written for the policies until the message codecs are generated from schemas; only reads.
/// </summary>
internal sealed class CreateTopicsRequestFacts
{
    public List<TopicFacts> Topics { get; } = [];

    /// <exception cref="KafkaProtocolException">The body is malformed.</exception>
    public static CreateTopicsRequestFacts Read(in ReadOnlySequence<byte> body, short version)
    {
        var reader = new KafkaReader(body, 19, version);
        bool flexible = version >= 5;
        var facts = new CreateTopicsRequestFacts();
        int topics = reader.ReadArrayLength(flexible);
        for (int t = 0; t < topics; t++)
        {
            string name = reader.ReadString(flexible) ?? throw reader.Malformed("a topic without a name");
            int partitions = reader.ReadInt32();
            short replicationFactor = reader.ReadInt16();
            var replicas = new List<int>();
            int assignments = reader.ReadArrayLength(flexible);
            for (int a = 0; a < assignments; a++)
            {
                reader.ReadInt32(); // partition index
                replicas.Add(reader.ReadArrayLength(flexible));
                reader.Skip(4L * replicas[^1], "broker ids");
                if (flexible)
                {
                    reader.SkipTaggedFields();
                }
            }

            int configs = reader.ReadArrayLength(flexible);
            for (int c = 0; c < configs; c++)
            {
                reader.SkipString(flexible);
                reader.SkipString(flexible);
                if (flexible)
                {
                    reader.SkipTaggedFields();
                }
            }

            if (flexible)
            {
                reader.SkipTaggedFields();
            }

            facts.Topics.Add(new TopicFacts(name, partitions, replicationFactor, replicas));
        }

        return facts;
    }

    internal sealed record TopicFacts(string Name, int Partitions, short ReplicationFactor, IReadOnlyList<int> Assignments);
}
