using System.Text;

namespace KafkaProxy.Core.Security;

/// <summary>SASL PLAIN (RFC 4616): one token, authzid (empty) NUL authcid NUL password; the broker answers with an empty token.</summary>
internal sealed class PlainClient(SaslCredentials credentials) : SaslClientMechanism
{
    private bool _sent;

    public override string Name => "PLAIN";

    public override byte[] Start()
    {
        _sent = true;
        return Encoding.UTF8.GetBytes($"\0{credentials.Username}\0{credentials.Password}");
    }

    public override byte[]? Next(ReadOnlySpan<byte> challenge) =>
        _sent ? null : throw new InvalidOperationException("PLAIN sends its token first.");
}
