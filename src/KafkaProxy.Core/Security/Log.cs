using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Security;

// Event ids 2001-2099. Messages carry reasons and broker error messages, never passwords, tokens or SASL payloads.
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Warning, "--tls-insecure-skip-verify is on: broker certificates are NOT verified, so anyone on the network path can impersonate the brokers and read the traffic, credentials included. Use it only in tests; give --tls-ca-chain-cert-file instead")]
    public static partial void InsecureSkipVerify(ILogger logger);

    [LoggerMessage(2002, LogLevel.Warning, "Credential file: {Warning}")]
    public static partial void CredentialFileOpen(ILogger logger, string warning);

    [LoggerMessage(2003, LogLevel.Warning, "SASL PLAIN without --tls-enable: the broker connection carries the password in the clear")]
    public static partial void PlainWithoutTls(ILogger logger);

    [LoggerMessage(2004, LogLevel.Warning, "Broker {Upstream} asked for a TLS client certificate and none is configured; if it requires one it closes the connection right after the handshake: set --tls-client-cert-file and --tls-client-key-file")]
    public static partial void ClientCertificateRequested(ILogger logger, string upstream);
}
