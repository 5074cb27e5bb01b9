using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// The coordinator of one group or transactional id, as the client will see it (its address is the proxy's).
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class CoordinatorView
{
    internal CoordinatorView(string? key, int nodeId, string host, int port, short errorCode, string? errorMessage)
    {
        Key = key;
        NodeId = nodeId;
        Host = host;
        Port = port;
        ErrorCode = errorCode;
        ErrorMessage = errorMessage;
    }

    /// <summary>The group or transactional id (v4+), or null before v4.</summary>
    public string? Key { get; }

    /// <summary>The coordinator's node id, -1 on error.</summary>
    public int NodeId { get; }

    /// <summary>The host name the client will connect to.</summary>
    public string Host { get; }

    /// <summary>The port the client will connect to.</summary>
    public int Port { get; }

    /// <summary>The error code, 0 for none.</summary>
    public short ErrorCode { get; }

    /// <summary>The error message (v1+), or null.</summary>
    public string? ErrorMessage { get; }
}
