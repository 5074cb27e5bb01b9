namespace KafkaProxy.Core.Security;

/// <summary>A user and password. <see cref="ToString"/> hides the password so that no log or exception can carry it.</summary>
internal sealed record SaslCredentials(string Username, string Password)
{
    public override string ToString() => $"{Username} (password hidden)";
}
