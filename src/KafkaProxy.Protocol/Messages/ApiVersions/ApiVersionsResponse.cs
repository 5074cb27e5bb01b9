using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.ApiVersions;

/// <summary>
/// The body of an ApiVersions response (api key 18), versions 0-4: the api keys and version ranges a broker
/// supports. v1 adds the throttle time; v3 makes the message flexible and adds the feature tags (KIP-584, KIP-866).
/// The response header is v0 in every version.
/// </summary>
/// <remarks>
/// A broker that does not support the request's version answers with error 35 (UNSUPPORTED_VERSION) in the v0
/// layout whatever the version asked for (KIP-511); read such a body with version 0.
/// </remarks>
internal sealed class ApiVersionsResponse
{
    /// <summary>The lowest version this model reads and writes.</summary>
    public const short LowestSupportedVersion = 0;

    /// <summary>The highest version this model reads and writes.</summary>
    public const short HighestSupportedVersion = 4;

    private const uint SupportedFeaturesTag = 0;
    private const uint FinalizedFeaturesEpochTag = 1;
    private const uint FinalizedFeaturesTag = 2;
    private const uint ZkMigrationReadyTag = 3;

    /// <summary>The top-level error code, 0 for none.</summary>
    public short ErrorCode { get; set; }

    /// <summary>The api keys the broker supports.</summary>
    public IList<ApiVersionsResponseApiKey> ApiKeys { get; set; } = new List<ApiVersionsResponseApiKey>();

    /// <summary>How long the response was throttled by quota, in milliseconds (v1+).</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>Features the broker supports (tag 0, v3+; written only when not empty).</summary>
    public IList<ApiVersionsResponseSupportedFeature> SupportedFeatures { get; set; } = new List<ApiVersionsResponseSupportedFeature>();

    /// <summary>The epoch of the finalized features, -1 when unknown (tag 1, v3+; written only when not -1).</summary>
    public long FinalizedFeaturesEpoch { get; set; } = -1;

    /// <summary>The cluster-wide finalized features (tag 2, v3+; written only when not empty).</summary>
    public IList<ApiVersionsResponseFinalizedFeature> FinalizedFeatures { get; set; } = new List<ApiVersionsResponseFinalizedFeature>();

    /// <summary>Whether the controller is ready for a ZooKeeper migration (tag 3, v3+; written only when true).</summary>
    public bool ZkMigrationReady { get; set; }

    /// <summary>Top-level tagged fields this model does not know (any tag but 0-3), kept verbatim (v3+).</summary>
    public IList<RawTaggedField> UnknownTaggedFields { get; set; } = new List<RawTaggedField>();

    /// <summary>Reads a response body of the given version.</summary>
    /// <exception cref="KafkaProtocolException">The data is malformed or the version is not supported.</exception>
    public static ApiVersionsResponse Read(ref KafkaReader reader, short version)
    {
        MessageFields.CheckReadVersion(ref reader, version, LowestSupportedVersion, HighestSupportedVersion, nameof(ApiVersionsResponse));
        bool flexible = version >= 3;
        var response = new ApiVersionsResponse { ErrorCode = reader.ReadInt16() };
        int count = MessageFields.ReadArrayLength(ref reader, flexible, "ApiKeys");
        for (int i = 0; i < count; i++)
        {
            response.ApiKeys.Add(ApiVersionsResponseApiKey.Read(ref reader, flexible));
        }

        if (version >= 1)
        {
            response.ThrottleTimeMs = reader.ReadInt32();
        }

        if (flexible)
        {
            response.ReadTaggedFields(ref reader);
        }

        return response;
    }

    /// <summary>Writes the response body in the given version; fields the version lacks are not written.</summary>
    public void Write(IBufferWriter<byte> writer, short version)
    {
        ArgumentNullException.ThrowIfNull(writer);
        MessageFields.CheckWriteVersion(version, LowestSupportedVersion, HighestSupportedVersion, nameof(ApiVersionsResponse));
        bool flexible = version >= 3;
        writer.WriteInt16(ErrorCode);
        MessageFields.WriteArrayLength(writer, ApiKeys?.Count, flexible, "ApiKeys", version);
        foreach (var key in ApiKeys!)
        {
            key.Write(writer, flexible);
        }

        if (version >= 1)
        {
            writer.WriteInt32(ThrottleTimeMs);
        }

        if (flexible)
        {
            WriteTaggedFields(writer, version);
        }
    }

    private void ReadTaggedFields(ref KafkaReader reader)
    {
        uint count = reader.ReadUnsignedVarInt();
        for (uint i = 0; i < count; i++)
        {
            uint tag = MessageFields.ReadTaggedFieldHeader(ref reader, out int size);
            long end = reader.Consumed + size;
            switch (tag)
            {
                case SupportedFeaturesTag:
                    int supported = MessageFields.ReadArrayLength(ref reader, compact: true, "SupportedFeatures");
                    SupportedFeatures = new List<ApiVersionsResponseSupportedFeature>(supported);
                    for (int j = 0; j < supported; j++)
                    {
                        SupportedFeatures.Add(ApiVersionsResponseSupportedFeature.Read(ref reader));
                    }

                    break;
                case FinalizedFeaturesEpochTag:
                    FinalizedFeaturesEpoch = reader.ReadInt64();
                    break;
                case FinalizedFeaturesTag:
                    int finalized = MessageFields.ReadArrayLength(ref reader, compact: true, "FinalizedFeatures");
                    FinalizedFeatures = new List<ApiVersionsResponseFinalizedFeature>(finalized);
                    for (int j = 0; j < finalized; j++)
                    {
                        FinalizedFeatures.Add(ApiVersionsResponseFinalizedFeature.Read(ref reader));
                    }

                    break;
                case ZkMigrationReadyTag:
                    ZkMigrationReady = reader.ReadBool();
                    break;
                default:
                    UnknownTaggedFields.Add(new RawTaggedField(tag, MessageFields.Copy(ref reader, size)));
                    break;
            }

            MessageFields.EndTaggedField(ref reader, tag, end);
        }
    }

    // Known tags are written only when they differ from their defaults, and all before the unknown ones: every
    // unknown tag is above 3, so this keeps the ascending order the protocol asks for.
    private void WriteTaggedFields(IBufferWriter<byte> writer, short version)
    {
        int unknown = UnknownTaggedFields?.Count ?? 0;
        for (int i = 0; i < unknown; i++)
        {
            if (UnknownTaggedFields![i].Tag <= ZkMigrationReadyTag)
            {
                throw new InvalidOperationException(
                    $"UnknownTaggedFields holds tag {UnknownTaggedFields[i].Tag}, which ApiVersionsResponse defines; set its property instead.");
            }
        }

        bool writeSupported = SupportedFeatures is { Count: > 0 };
        bool writeEpoch = FinalizedFeaturesEpoch != -1;
        bool writeFinalized = FinalizedFeatures is { Count: > 0 };
        int known = (writeSupported ? 1 : 0) + (writeEpoch ? 1 : 0) + (writeFinalized ? 1 : 0) + (ZkMigrationReady ? 1 : 0);
        writer.WriteUnsignedVarInt((uint)(known + unknown));

        if (writeSupported)
        {
            int size = VarInt.SizeOfUnsigned((uint)SupportedFeatures!.Count + 1);
            foreach (var feature in SupportedFeatures)
            {
                size += feature.Size();
            }

            writer.WriteUnsignedVarInt(SupportedFeaturesTag);
            writer.WriteUnsignedVarInt((uint)size);
            writer.WriteArrayLength(SupportedFeatures.Count, compact: true);
            foreach (var feature in SupportedFeatures)
            {
                feature.Write(writer, version);
            }
        }

        if (writeEpoch)
        {
            writer.WriteUnsignedVarInt(FinalizedFeaturesEpochTag);
            writer.WriteUnsignedVarInt(8);
            writer.WriteInt64(FinalizedFeaturesEpoch);
        }

        if (writeFinalized)
        {
            int size = VarInt.SizeOfUnsigned((uint)FinalizedFeatures!.Count + 1);
            foreach (var feature in FinalizedFeatures)
            {
                size += feature.Size();
            }

            writer.WriteUnsignedVarInt(FinalizedFeaturesTag);
            writer.WriteUnsignedVarInt((uint)size);
            writer.WriteArrayLength(FinalizedFeatures.Count, compact: true);
            foreach (var feature in FinalizedFeatures)
            {
                feature.Write(writer, version);
            }
        }

        if (ZkMigrationReady)
        {
            writer.WriteUnsignedVarInt(ZkMigrationReadyTag);
            writer.WriteUnsignedVarInt(1);
            writer.WriteBool(true);
        }

        for (int i = 0; i < unknown; i++)
        {
            MessageFields.WriteRawTaggedField(writer, UnknownTaggedFields![i]);
        }
    }
}
