using System.Text;
using KafkaProxy.Core.Security;
using KafkaProxy.Core.Security.ClientAuth;

namespace KafkaProxy.Core.Tests.Security.ClientAuth;

public sealed class ScramServerTests
{
    // RFC 7677 section 3: user "user", password "pencil", SCRAM-SHA-256, 4096 iterations.
    private const string ClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    private const string ServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private const string ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private const string ClientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private const string ServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static ClientCredentialStore Rfc7677Store()
    {
        var credential = ScramCredential.Derive(ScramAlgorithm.Sha256, "pencil", Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        return ClientCredentialStore.Parse([$"user:SCRAM-SHA-256:{credential.Format()}"], "users.txt");
    }

    private static string Answer(SaslServerMechanism server, string message) => Encoding.UTF8.GetString(server.Evaluate(Encoding.UTF8.GetBytes(message)));

    [Fact]
    public void Exchange_Rfc7677TestVector_AnswersWithTheRfcMessages()
    {
        var server = new ScramServer(ScramAlgorithm.Sha256, Rfc7677Store(), ServerNonce);

        Assert.Equal(ServerFirst, Answer(server, ClientFirst));
        Assert.False(server.IsComplete);
        Assert.Equal(ServerFinal, Answer(server, ClientFinal));
        Assert.True(server.IsComplete);
        Assert.Equal("user", server.User);
    }

    [Theory]
    [InlineData("SCRAM-SHA-256")]
    [InlineData("SCRAM-SHA-512")]
    public void Exchange_WithTheProxysOwnClient_AuthenticatesAndTheClientAcceptsTheSignature(string mechanism)
    {
        var algorithm = ScramAlgorithm.Find(mechanism)!;
        var store = ClientCredentialStore.Parse([ClientCredentialFile.CreateLine("app,=user", "s3cret", mechanism, 4096)], "users.txt");
        var server = new ScramServer(algorithm, store);
        var client = new ScramClient(algorithm, new SaslCredentials("app,=user", "s3cret"));

        byte[] serverFirst = server.Evaluate(client.Start());
        byte[] serverFinal = server.Evaluate(client.Next(serverFirst)!);

        Assert.Null(client.Next(serverFinal));
        Assert.Equal("app,=user", server.User);
    }

    [Fact]
    public void ClientFinal_NonceWithTheClientNonceRepeatedInFront_IsAcceptedAsKafkaDoes()
    {
        // librdkafka 1.x sends r=<client nonce><server's r>; the proof covers the message as sent.
        var algorithm = ScramAlgorithm.Sha256;
        var credential = ScramCredential.Derive(algorithm, "pencil", Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        var server = new ScramServer(algorithm, Rfc7677Store(), ServerNonce);
        Answer(server, ClientFirst);
        string withoutProof = "c=biws,r=rOprNGfwEbeRWgbNEkqOrOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        byte[] authMessage = Encoding.UTF8.GetBytes($"n=user,r=rOprNGfwEbeRWgbNEkqO,{ServerFirst},{withoutProof}");
        byte[] clientKey = algorithm.Hmac(algorithm.Hi(Encoding.UTF8.GetBytes("pencil"), credential.Salt, 4096), "Client Key"u8);
        byte[] signature = algorithm.Hmac(credential.StoredKey, authMessage);
        byte[] proof = clientKey.Zip(signature, (k, s) => (byte)(k ^ s)).ToArray();

        string serverFinal = Answer(server, $"{withoutProof},p={Convert.ToBase64String(proof)}");

        Assert.Equal("v=" + Convert.ToBase64String(algorithm.Hmac(credential.ServerKey, authMessage)), serverFinal);
        Assert.True(server.IsComplete);
    }

    [Fact]
    public void Exchange_WrongPassword_IsRefusedAtTheProofWithTheSameWordsAsAnUnknownUser()
    {
        var wrong = Refusal(Rfc7677Store(), "user", "pen");
        var unknown = Refusal(Rfc7677Store(), "nobody", "pencil");

        Assert.Equal(ClientAuthRefusedException.InvalidCredentials, wrong.ClientMessage);
        Assert.Equal(wrong.ClientMessage, unknown.ClientMessage);
        Assert.Contains("wrong password for user 'user'", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("user 'nobody' has no SCRAM-SHA-256 line", unknown.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pencil", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerFirst_UnknownUser_GetsAStableDecoySaltAndTheUsualIterations()
    {
        var store = Rfc7677Store();

        string first = Answer(new ScramServer(ScramAlgorithm.Sha256, store, "x"), "n,,n=ghost,r=abc");
        string again = Answer(new ScramServer(ScramAlgorithm.Sha256, store, "x"), "n,,n=ghost,r=abc");
        string other = Answer(new ScramServer(ScramAlgorithm.Sha256, store, "x"), "n,,n=phantom,r=abc");

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.EndsWith(",i=4096", first, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("p=tls-unique,,n=user,r=abc", "channel binding is not supported")]
    [InlineData("x,,n=user,r=abc", "gs2 header")]
    [InlineData("n,,r=abc,n=user", "must carry n=user,r=nonce")]
    [InlineData("n,,n=,r=abc", "must not be empty")]
    [InlineData("n,,n=us=er,r=abc", "'=' that is not =2C or =3D")]
    [InlineData("n,a=other,n=user,r=abc", "authorization identity")]
    [InlineData("n,,n=user,r=abc,tokenauth=true", "delegation tokens")]
    public void ClientFirst_Malformed_IsRefusedWithTheReason(string clientFirst, string reason)
    {
        var server = new ScramServer(ScramAlgorithm.Sha256, Rfc7677Store());

        var error = Assert.Throws<ClientAuthRefusedException>(() => Answer(server, clientFirst));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.ClientMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0", "must carry c=…,r=…,p=…")]
    [InlineData("c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "does not repeat the gs2 header")]
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "nonce is not the one the proxy sent")]
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=AAAA", "proof must be 32 bytes")]
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=not base64!", "not base64")]
    public void ClientFinal_Malformed_IsRefusedWithTheReason(string clientFinal, string reason)
    {
        var server = new ScramServer(ScramAlgorithm.Sha256, Rfc7677Store(), ServerNonce);
        Answer(server, ClientFirst);

        var error = Assert.Throws<ClientAuthRefusedException>(() => Answer(server, clientFinal));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(server.IsComplete);
    }

    [Fact]
    public void Evaluate_AfterCompletion_IsRefused()
    {
        var server = new ScramServer(ScramAlgorithm.Sha256, Rfc7677Store(), ServerNonce);
        Answer(server, ClientFirst);
        Answer(server, ClientFinal);

        Assert.Throws<ClientAuthRefusedException>(() => Answer(server, ClientFinal));
    }

    private static ClientAuthRefusedException Refusal(ClientCredentialStore store, string user, string password)
    {
        var server = new ScramServer(ScramAlgorithm.Sha256, store);
        var client = new ScramClient(ScramAlgorithm.Sha256, new SaslCredentials(user, password));
        byte[] serverFirst = server.Evaluate(client.Start());
        return Assert.Throws<ClientAuthRefusedException>(() => server.Evaluate(client.Next(serverFirst)!));
    }
}
