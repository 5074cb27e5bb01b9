namespace KafkaProxy.Core.Security.ClientAuth;

/// <summary>
/// SASL PLAIN at the proxy (RFC 4616): one client message, authzid NUL authcid NUL password, checked against the
/// user's stored SCRAM credential. An unknown user costs the same work as a wrong password.
/// </summary>
internal sealed class PlainServer(ClientCredentialStore store) : SaslServerMechanism
{
    public override string Name => Configuration.SaslMechanismNames.Plain;

    public override byte[] Evaluate(ReadOnlySpan<byte> token)
    {
        if (IsComplete)
        {
            throw ClientAuthRefusedException.Malformed("PLAIN takes a single message");
        }

        string[] parts = Text(token).Split('\0');
        if (parts.Length != 3 || parts[1].Length == 0)
        {
            throw ClientAuthRefusedException.Malformed("the PLAIN message must be [authzid] NUL user NUL password with a non-empty user");
        }

        string user = parts[1];
        if (parts[0].Length > 0 && parts[0] != user)
        {
            throw ClientAuthRefusedException.Malformed("the PLAIN authorization identity must be empty or the user's own name");
        }

        var credential = store.FindAny(user);
        bool verified = (credential ?? store.Decoy(user, store.PlainDecoyAlgorithm)).Verifies(parts[2]);
        if (credential is null)
        {
            throw ClientAuthRefusedException.Credentials($"user {LogText.Quote(user)} is not in the credentials file");
        }

        if (!verified)
        {
            throw ClientAuthRefusedException.Credentials($"wrong password for user {LogText.Quote(user)}");
        }

        User = user;
        IsComplete = true;
        return [];
    }
}
