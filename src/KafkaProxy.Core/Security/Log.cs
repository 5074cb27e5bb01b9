using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Security;

// Event ids 2001-2099. Messages carry reasons and broker error messages, never passwords, tokens or SASL payloads.
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Warning, "KafkaProxy:UpstreamTls:InsecureSkipVerify is on: broker certificates are NOT verified, so anyone on the network path can impersonate the brokers and read the traffic, credentials included. Use it only in tests; give KafkaProxy:UpstreamTls:CaChainCertFile instead")]
    public static partial void InsecureSkipVerify(ILogger logger);

    [LoggerMessage(2002, LogLevel.Warning, "Credential file: {Warning}")]
    public static partial void CredentialFileOpen(ILogger logger, string warning);

    [LoggerMessage(2003, LogLevel.Warning, "SASL PLAIN without KafkaProxy:UpstreamTls:Enabled: the broker connection carries the password in the clear")]
    public static partial void PlainWithoutTls(ILogger logger);

    [LoggerMessage(2004, LogLevel.Warning, "Broker {Upstream} asked for a TLS client certificate and none is configured; if it requires one it closes the connection right after the handshake: set KafkaProxy:UpstreamTls:ClientCertFile and KafkaProxy:UpstreamTls:ClientKeyFile")]
    public static partial void ClientCertificateRequested(ILogger logger, string upstream);

    [LoggerMessage(2005, LogLevel.Information, "Client authentication is on: {Users} users in {File}, mechanisms {Mechanisms}")]
    public static partial void ClientAuthEnabled(ILogger logger, int users, string file, string mechanisms);

    [LoggerMessage(2006, LogLevel.Warning, "Clients may authenticate at the proxy with SASL PLAIN, but the listeners do not speak TLS: their passwords cross the network in the clear. Set KafkaProxy:ClientTls:Enabled, or drop PLAIN from KafkaProxy:ClientAuth:Mechanisms")]
    public static partial void ClientPlainWithoutTls(ILogger logger);

    [LoggerMessage(2007, LogLevel.Information, "Connection {ConnectionId} to broker {Upstream}: client authenticated as {User} with {Mechanism}")]
    public static partial void ClientAuthenticated(ILogger logger, long connectionId, string upstream, string user, string mechanism);

    [LoggerMessage(2008, LogLevel.Warning, "Connection {ConnectionId} to broker {Upstream}: client authentication failed, closing: {Reason}")]
    public static partial void ClientAuthFailed(ILogger logger, long connectionId, string upstream, string reason);

    [LoggerMessage(2009, LogLevel.Information, "Credentials file {File} changed: {Users} users loaded")]
    public static partial void CredentialsReloaded(ILogger logger, string file, int users);

    [LoggerMessage(2010, LogLevel.Error, "Credentials file changed but cannot be used, the previous users stay in force: {Reason}")]
    public static partial void CredentialsReloadFailed(ILogger logger, string reason);
}
