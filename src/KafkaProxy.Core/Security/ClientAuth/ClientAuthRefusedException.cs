namespace KafkaProxy.Core.Security.ClientAuth;

/// <summary>
/// A client's authentication at the proxy failed. <see cref="Exception.Message"/> is for the proxy's log (it may name
/// the user, never a password or token); <see cref="ClientMessage"/> is what the client is told, and never says
/// whether the user exists.
/// </summary>
internal sealed class ClientAuthRefusedException(string logReason, string clientMessage) : Exception(logReason)
{
    /// <summary>What a client refused for its credentials is told: the same whether the user is unknown or the password wrong.</summary>
    public const string InvalidCredentials = "Authentication failed: invalid user name or password";

    public string ClientMessage { get; } = clientMessage;

    /// <summary>The client broke the SASL or Kafka protocol; it is told what was wrong.</summary>
    public static ClientAuthRefusedException Malformed(string what) => new(what, "Authentication failed: " + what);

    /// <summary>The credentials did not match; the log says how, the client only that they were wrong.</summary>
    public static ClientAuthRefusedException Credentials(string logReason) => new(logReason, InvalidCredentials);
}
