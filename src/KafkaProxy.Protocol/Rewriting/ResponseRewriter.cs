using System.Buffers;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.ApiVersions;
using KafkaProxy.Protocol.Messages.DescribeCluster;
using KafkaProxy.Protocol.Messages.Fetch;
using KafkaProxy.Protocol.Messages.FindCoordinator;
using KafkaProxy.Protocol.Messages.Metadata;
using KafkaProxy.Protocol.Messages.Produce;
using KafkaProxy.Protocol.Messages.Share;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Rewriting;

/// <summary>
/// Rewrites the responses that carry broker addresses (Metadata, FindCoordinator, DescribeCluster, the NodeEndpoints
/// of Produce v10+, Fetch v16+, ShareFetch and ShareAcknowledge) and clamps ApiVersions, writing the new frame with
/// its new size straight into a writer. Every byte other than hosts, ports and clamped versions is kept exactly,
/// unknown tagged fields and trailing bytes included. One instance per connection; not thread-safe.
/// </summary>
internal sealed class ResponseRewriter
{
    // The highest version of each api key whose responses this library can rewrite (or that carries no address);
    // -1 where no limit applies. ApiVersions responses are clamped to these values.
    private static readonly short[] MaxVersions = BuildMaxVersions();

    private readonly IBrokerAddressMapper _mapper;
    private readonly RewritePlan _plan;

    /// <summary>Creates a rewriter that asks <paramref name="mapper"/> for the address of every broker it finds.</summary>
    public ResponseRewriter(IBrokerAddressMapper mapper)
    {
        ArgumentNullException.ThrowIfNull(mapper);
        _mapper = mapper;
        _plan = new RewritePlan(mapper);
    }

    /// <summary>
    /// True when a response to (<paramref name="apiKey"/>, <paramref name="apiVersion"/>) must go through <see cref="Rewrite"/>:
    /// it may carry broker addresses, or it is an ApiVersions response to clamp. All other responses pass through.
    /// </summary>
    public static bool MustRewrite(short apiKey, short apiVersion) => (ApiKey)apiKey switch
    {
        ApiKey.Metadata or ApiKey.FindCoordinator or ApiKey.DescribeCluster or ApiKey.ApiVersions
            or ApiKey.ShareFetch or ApiKey.ShareAcknowledge => true,
        ApiKey.Produce => apiVersion >= ProduceResponseWalker.FirstVersionWithEndpoints,
        ApiKey.Fetch => apiVersion >= FetchResponseWalker.FirstVersionWithEndpoints,
        _ => false,
    };

    /// <summary>
    /// The highest version of <paramref name="apiKey"/> a client may use through the proxy: the newest this library can
    /// rewrite for address-carrying apis, the last version without addresses for controller apis whose addresses it
    /// does not rewrite; -1 when there is no limit.
    /// </summary>
    public static short MaxSupportedVersion(short apiKey) => apiKey >= 0 && apiKey < MaxVersions.Length ? MaxVersions[apiKey] : (short)-1;

    /// <summary>
    /// Writes the response frame (size prefix included) to <paramref name="output"/> with every broker address replaced.
    /// <paramref name="payload"/> is the frame after its size prefix: header, then body. Returns how many addresses changed.
    /// </summary>
    /// <exception cref="KafkaProtocolException">The response is malformed or of a version too new to rewrite safely.</exception>
    public int Rewrite(short apiKey, short apiVersion, in ReadOnlySequence<byte> payload, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        short max = MaxSupportedVersion(apiKey);
        if (max >= 0 && apiVersion > max)
        {
            if (apiKey == (short)ApiKey.ApiVersions)
            {
                // A client newer than the proxy (KIP-511): it must learn which versions to retry with, not lose its connection.
                ApiVersionsFallback.Write(payload, output);
                return 0;
            }

            throw new KafkaProtocolException($"version {apiVersion} is newer than the newest this proxy can rewrite ({max})", apiKey, apiVersion, 0);
        }

        _plan.Reset(_mapper);
        var reader = new KafkaReader(payload, apiKey, apiVersion);
        ResponseHeader.Skip(ref reader, apiKey, apiVersion);
        Walk(ref reader, apiKey, apiVersion);
        _plan.WriteTo(payload, output);
        return _plan.AddressCount;
    }

    /// <summary>
    /// Finds the edits <paramref name="body"/> (a response body, after its header) needs without writing anything,
    /// asking <paramref name="mapper"/> (not the rewriter's own) for the addresses; <see cref="EmitEdits"/> then hands
    /// them over, their offsets relative to <paramref name="body"/>.
    /// </summary>
    /// <returns>What the response needs: nothing, edits, or the ApiVersions fallback in place of the whole body.</returns>
    /// <exception cref="KafkaProtocolException">The response is malformed or of a version too new to rewrite safely.</exception>
    public RewriteOutcome Plan(IBrokerAddressMapper mapper, short apiKey, short apiVersion, in ReadOnlySequence<byte> body)
    {
        short max = MaxSupportedVersion(apiKey);
        if (max >= 0 && apiVersion > max)
        {
            if (apiKey == (short)ApiKey.ApiVersions)
            {
                return ApiVersionsFallback.PassesVerbatim(body) ? RewriteOutcome.Unchanged : RewriteOutcome.Fallback;
            }

            throw new KafkaProtocolException($"version {apiVersion} is newer than the newest this proxy can rewrite ({max})", apiKey, apiVersion, 0);
        }

        _plan.Reset(mapper);
        var reader = new KafkaReader(body, apiKey, apiVersion);
        Walk(ref reader, apiKey, apiVersion);
        return _plan.HasEdits ? RewriteOutcome.Edits : RewriteOutcome.Unchanged;
    }

    /// <summary>Hands each edit of the last <see cref="Plan"/> to <paramref name="sink"/>, in byte order.</summary>
    public void EmitEdits<TState>(TState state, RewritePlan.EditSink<TState> sink) => _plan.EmitEdits(state, sink);

    private void Walk(ref KafkaReader reader, short apiKey, short apiVersion)
    {
        switch ((ApiKey)apiKey)
        {
            case ApiKey.Metadata:
                MetadataResponseWalker.Walk(ref reader, apiVersion, _plan);
                break;
            case ApiKey.FindCoordinator:
                FindCoordinatorResponseWalker.Walk(ref reader, apiVersion, _plan);
                break;
            case ApiKey.DescribeCluster:
                DescribeClusterResponseWalker.Walk(ref reader, apiVersion, _plan);
                break;
            case ApiKey.Produce when apiVersion >= ProduceResponseWalker.FirstVersionWithEndpoints:
                ProduceResponseWalker.Walk(ref reader, apiVersion, _plan);
                break;
            case ApiKey.Fetch when apiVersion >= FetchResponseWalker.FirstVersionWithEndpoints:
                FetchResponseWalker.Walk(ref reader, apiVersion, _plan);
                break;
            case ApiKey.ShareFetch:
            case ApiKey.ShareAcknowledge:
                ShareResponseWalker.Walk(ref reader, (ApiKey)apiKey, apiVersion, _plan);
                break;
            case ApiKey.ApiVersions:
                ApiVersionsResponseWalker.Walk(ref reader, apiVersion, _plan, MaxVersions);
                break;
        }
    }

    private static short[] BuildMaxVersions()
    {
        var max = new short[KafkaApis.MaxKnownApiKey + 1];
        Array.Fill(max, (short)-1);
        max[(int)ApiKey.Produce] = ProduceResponseWalker.MaxVersion;
        max[(int)ApiKey.Fetch] = FetchResponseWalker.MaxVersion;
        max[(int)ApiKey.Metadata] = MetadataResponseWalker.MaxVersion;
        max[(int)ApiKey.FindCoordinator] = FindCoordinatorResponseWalker.MaxVersion;
        max[(int)ApiKey.DescribeCluster] = DescribeClusterResponseWalker.MaxVersion;
        max[(int)ApiKey.ShareFetch] = ShareResponseWalker.MaxVersion;
        max[(int)ApiKey.ShareAcknowledge] = ShareResponseWalker.MaxVersion;
        max[(int)ApiKey.ApiVersions] = ApiVersionsResponseWalker.MaxVersion;

        // Controller (KRaft) apis carry voter endpoints from these versions on, which the proxy does not rewrite:
        // keep clients below them. DescribeQuorum v2 added node listeners (KIP-853); the raft apis added leader
        // endpoints in v1.
        max[(int)ApiKey.DescribeQuorum] = 1;
        max[(int)ApiKey.Vote] = 0;
        max[(int)ApiKey.BeginQuorumEpoch] = 0;
        max[(int)ApiKey.EndQuorumEpoch] = 0;
        max[(int)ApiKey.FetchSnapshot] = 0;
        return max;
    }
}
