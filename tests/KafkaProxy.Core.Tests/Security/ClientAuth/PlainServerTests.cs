using System.Text;
using KafkaProxy.Core.Security;
using KafkaProxy.Core.Security.ClientAuth;

namespace KafkaProxy.Core.Tests.Security.ClientAuth;

public sealed class PlainServerTests
{
    private const string Password = "Tr0ub4dor&3";

    // "app" has a SCRAM-SHA-512 line only, "ops" a SCRAM-SHA-256 line only.
    private static readonly ClientCredentialStore Store = ClientCredentialStore.Parse(
        [
            ClientCredentialFile.CreateLine("app", Password, "SCRAM-SHA-512", 4096),
            ClientCredentialFile.CreateLine("ops", Password, "SCRAM-SHA-256", 4096),
        ],
        "users.txt");

    // RFC 4616: [authzid] NUL authcid NUL passwd.
    private static byte[] Message(string authzid, string user, string password) => Encoding.UTF8.GetBytes($"{authzid}\0{user}\0{password}");

    private static ClientAuthRefusedException Refused(PlainServer server, byte[] message)
    {
        var error = Assert.Throws<ClientAuthRefusedException>(() => server.Evaluate(message));
        Assert.False(server.IsComplete);
        Assert.Null(server.User);
        return error;
    }

    [Theory]
    [InlineData("app")]
    [InlineData("ops")]
    public void Evaluate_RightPassword_CompletesWithTheUser(string user)
    {
        var server = new PlainServer(Store);

        byte[] answer = server.Evaluate(Message("", user, Password));

        Assert.Empty(answer);
        Assert.True(server.IsComplete);
        Assert.Equal(user, server.User);
        Assert.Equal("PLAIN", server.Name);
    }

    [Fact]
    public void Evaluate_AuthzidIsTheUser_IsAccepted()
    {
        var server = new PlainServer(Store);

        server.Evaluate(Message("app", "app", Password));

        Assert.True(server.IsComplete);
        Assert.Equal("app", server.User);
    }

    [Fact]
    public void Evaluate_AuthzidIsAnotherUser_IsRefused()
    {
        var error = Refused(new PlainServer(Store), Message("ops", "app", Password));

        Assert.Equal("the PLAIN authorization identity must be empty or the user's own name", error.Message);
        Assert.Equal("Authentication failed: the PLAIN authorization identity must be empty or the user's own name", error.ClientMessage);
    }

    [Fact]
    public void Evaluate_WrongPasswordOrUnknownUser_TellsTheClientTheSameButTheLogWhich()
    {
        var wrongPassword = Refused(new PlainServer(Store), Message("", "app", Password + "x"));
        var unknownUser = Refused(new PlainServer(Store), Message("", "ghost", Password));

        Assert.Equal(ClientAuthRefusedException.InvalidCredentials, wrongPassword.ClientMessage);
        Assert.Equal(ClientAuthRefusedException.InvalidCredentials, unknownUser.ClientMessage);
        Assert.Equal("wrong password for user 'app'", wrongPassword.Message);
        Assert.Equal("user 'ghost' is not in the credentials file", unknownUser.Message);
    }

    [Fact]
    public void Evaluate_PasswordOfAnotherUser_IsRefused()
    {
        var store = ClientCredentialStore.Parse(
            [ClientCredentialFile.CreateLine("app", "app-pw", iterations: 4096), ClientCredentialFile.CreateLine("ops", "ops-pw", iterations: 4096)], "users.txt");

        var error = Refused(new PlainServer(store), Message("", "app", "ops-pw"));

        Assert.Equal(ClientAuthRefusedException.InvalidCredentials, error.ClientMessage);
    }

    [Fact]
    public void Evaluate_UserNameDiffersInCase_IsRefused()
    {
        var error = Refused(new PlainServer(Store), Message("", "APP", Password));

        Assert.Equal(ClientAuthRefusedException.InvalidCredentials, error.ClientMessage);
    }

    [Theory]
    [InlineData("app\0" + Password)]
    [InlineData("\0\0" + Password)]
    [InlineData("\0app\0" + Password + "\0")]
    [InlineData("")]
    public void Evaluate_NotThreeFieldsWithAUser_IsRefusedAsMalformed(string message)
    {
        var error = Refused(new PlainServer(Store), Encoding.UTF8.GetBytes(message));

        Assert.Equal("the PLAIN message must be [authzid] NUL user NUL password with a non-empty user", error.Message);
        Assert.Equal("Authentication failed: " + error.Message, error.ClientMessage);
    }

    [Fact]
    public void Evaluate_InvalidUtf8_IsRefusedAsMalformed()
    {
        byte[] message = [0x00, (byte)'a', (byte)'p', (byte)'p', 0x00, 0xC3, 0x28];

        var error = Refused(new PlainServer(Store), message);

        Assert.Equal("the PLAIN message is not valid UTF-8", error.Message);
        Assert.Equal("Authentication failed: the PLAIN message is not valid UTF-8", error.ClientMessage);
    }

    [Fact]
    public void Evaluate_AfterSuccess_RefusesASecondMessage()
    {
        var server = new PlainServer(Store);
        server.Evaluate(Message("", "app", Password));

        var error = Assert.Throws<ClientAuthRefusedException>(() => server.Evaluate(Message("", "ops", Password)));

        Assert.Equal("PLAIN takes a single message", error.Message);
        Assert.Equal("app", server.User);
    }

    [Theory]
    [InlineData("", "app", Password + "x")]
    [InlineData("", "ghost", Password)]
    [InlineData("ops", "app", Password)]
    [InlineData("", "", Password)]
    [InlineData("", "app", Password + "\0" + Password)]
    public void Evaluate_Refused_NoMessageHoldsThePassword(string authzid, string user, string password)
    {
        var error = Refused(new PlainServer(Store), Message(authzid, user, password));

        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.ClientMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
    }
}
