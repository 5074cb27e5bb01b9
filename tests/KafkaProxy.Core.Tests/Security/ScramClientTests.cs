using System.Text;
using KafkaProxy.Core.Security;

namespace KafkaProxy.Core.Tests.Security;

public sealed class ScramClientTests
{
    // RFC 7677 section 3: user "user", password "pencil", SCRAM-SHA-256, 4096 iterations.
    private const string ClientNonce = "rOprNGfwEbeRWgbNEkqO";
    private const string ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private const string ClientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private const string ServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static ScramClient Rfc7677Client() => new(ScramAlgorithm.Sha256, new SaslCredentials("user", "pencil"), ClientNonce);

    private static string Text(byte[]? bytes) => Encoding.UTF8.GetString(bytes ?? []);

    [Fact]
    public void Exchange_Rfc7677TestVector_ProducesTheRfcMessagesAndAcceptsTheServerSignature()
    {
        var client = Rfc7677Client();

        Assert.Equal("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", Text(client.Start()));
        Assert.Equal(ClientFinal, Text(client.Next(Encoding.UTF8.GetBytes(ServerFirst))));
        Assert.Null(client.Next(Encoding.UTF8.GetBytes(ServerFinal)));
    }

    [Fact]
    public void Exchange_WrongServerSignature_IsRefusedAsImpersonation()
    {
        var client = Rfc7677Client();
        client.Start();
        client.Next(Encoding.UTF8.GetBytes(ServerFirst));

        var error = Assert.Throws<HandshakeFailedException>(() => client.Next(Encoding.UTF8.GetBytes("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")));

        Assert.Contains("server signature is wrong", error.Message, StringComparison.Ordinal);
        Assert.Equal("sasl", error.Stage);
    }

    [Fact]
    public void Exchange_ServerErrorInFinalMessage_ReportsTheError()
    {
        var client = Rfc7677Client();
        client.Start();
        client.Next(Encoding.UTF8.GetBytes(ServerFirst));

        var error = Assert.Throws<HandshakeFailedException>(() => client.Next(Encoding.UTF8.GetBytes("e=invalid-proof")));

        Assert.Equal("the broker refused the SCRAM proof: 'invalid-proof'", error.Message);
    }

    [Theory]
    [InlineData("r=someoneElsesNonce123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "nonce does not extend")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "nonce does not extend")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1024", "at least 4096 are required")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,s=***,i=4096", "salt is not base64")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,i=4096", "lacks the nonce, salt or iteration count")]
    public void Exchange_BadServerFirst_IsRefusedWithTheReason(string serverFirst, string reason)
    {
        var client = Rfc7677Client();
        client.Start();

        var error = Assert.Throws<HandshakeFailedException>(() => client.Next(Encoding.UTF8.GetBytes(serverFirst)));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_NameWithCommaAndEquals_EscapesThem()
    {
        var client = new ScramClient(ScramAlgorithm.Sha512, new SaslCredentials("a,b=c", "pw"), "nonce");

        Assert.Equal("n,,n=a=2Cb=3Dc,r=nonce", Text(client.Start()));
    }

    [Fact]
    public void Start_WithoutGivenNonce_UsesAFreshRandomNonceEachTime()
    {
        var credentials = new SaslCredentials("user", "pw");

        Assert.NotEqual(Text(new ScramClient(ScramAlgorithm.Sha256, credentials).Start()), Text(new ScramClient(ScramAlgorithm.Sha256, credentials).Start()));
    }

    [Fact]
    public void PlainStart_GivesAuthzidUserPasswordSeparatedByNul_ThenCompletesOnTheBrokersEmptyToken()
    {
        var plain = SaslClientMechanism.Create("PLAIN", new SaslCredentials("app", "pw"));

        Assert.Equal("\0app\0pw", Text(plain.Start()));
        Assert.Null(plain.Next([]));
    }

    [Fact]
    public void CredentialsToString_HidesThePassword()
    {
        Assert.Equal("app (password hidden)", new SaslCredentials("app", "hunter2").ToString());
    }
}
