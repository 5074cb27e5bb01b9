using KafkaProxy.Core.Security;
using KafkaProxy.Core.Security.ClientAuth;

namespace KafkaProxy.Core.Tests.Security.ClientAuth;

public sealed class ClientCredentialStoreTests
{
    private const string FileName = "users.txt";

    // 4096 iterations, Kafka's minimum, keeps the key derivations fast.
    private static string Line(string user, string password, string mechanism = "SCRAM-SHA-512") =>
        ClientCredentialFile.CreateLine(user, password, mechanism, 4096);

    // The credential part of a line: salt=…,stored_key=…,server_key=…,iterations=….
    private static string CredentialOf(string line) => line[(line.LastIndexOf(':') + 1)..];

    // The base64 values of a credential: what no message may repeat.
    private static string[] SecretsOf(string credential) =>
        [.. credential.Split(',').Select(f => f[(f.IndexOf('=', StringComparison.Ordinal) + 1)..]).Where(v => v.Length > 8)];

    [Theory]
    [InlineData("SCRAM-SHA-256")]
    [InlineData("SCRAM-SHA-512")]
    public void Parse_LineFromCreateLine_VerifiesTheRightPasswordOnly(string mechanism)
    {
        var store = ClientCredentialStore.Parse([Line("app", "s3cret", mechanism)], FileName);

        var credential = store.Find("app", ScramAlgorithm.Find(mechanism)!);

        Assert.NotNull(credential);
        Assert.Equal(4096, credential.Iterations);
        Assert.True(credential.Verifies("s3cret"));
        Assert.False(credential.Verifies("s3cret "));
        Assert.False(credential.Verifies("S3cret"));
    }

    [Theory]
    [InlineData("team:app")]
    [InlineData("a:b:SCRAM-SHA-512")]
    [InlineData("app,=user")]
    [InlineData("x=y,z")]
    [InlineData("élève")]
    public void Parse_UserNameWithColonsCommasOrEquals_KeepsTheWholeName(string user)
    {
        var store = ClientCredentialStore.Parse([Line(user, "pw")], FileName);

        Assert.True(store.Find(user, ScramAlgorithm.Sha512)?.Verifies("pw"));
        Assert.Equal(1, store.UserCount);
    }

    [Fact]
    public void Parse_CommentsAndBlankLines_AreSkipped()
    {
        var store = ClientCredentialStore.Parse(["# users of the proxy", "", "   ", "  # indented comment", Line("app", "pw"), "#" + Line("old", "pw")], FileName);

        Assert.Equal(1, store.UserCount);
        Assert.NotNull(store.Find("app", ScramAlgorithm.Sha512));
        Assert.Null(store.Find("old", ScramAlgorithm.Sha512));
        Assert.Null(store.Find("#old", ScramAlgorithm.Sha512));
    }

    [Fact]
    public void Parse_LineWithSurroundingWhiteSpace_IsRead()
    {
        var store = ClientCredentialStore.Parse(["  " + Line("app", "pw") + " \t"], FileName);

        Assert.True(store.Find("app", ScramAlgorithm.Sha512)?.Verifies("pw"));
    }

    // {c} stands for a valid SCRAM-SHA-512 credential; "from" is then replaced by "to" in the line.
    [Theory]
    [InlineData("app {c}", "", "", "expected user:MECHANISM:")]
    [InlineData("app:{c}", "", "", "expected user:MECHANISM:")]
    [InlineData(":SCRAM-SHA-512:{c}", "", "", "expected user:MECHANISM:")]
    [InlineData("app:PLAIN:{c}", "", "", "the mechanism is 'PLAIN'; use SCRAM-SHA-256 or SCRAM-SHA-512")]
    [InlineData("app:scram-sha-512:{c}", "", "", "the mechanism is 'scram-sha-512'")]
    [InlineData("app:SCRAM-SHA-512:{c}", "salt=", "salt=%%", "salt must be present and base64")]
    [InlineData("app:SCRAM-SHA-512:{c}", "server_key=", "server_key=*", "server_key must be present and base64")]
    [InlineData("app:SCRAM-SHA-512:{c}", "stored_key=", "storedkey=", "stored_key must be present and base64")]
    [InlineData("app:SCRAM-SHA-512:{c}", "iterations=4096", "iterations=4095", "iterations must be a whole number of at least 4096")]
    [InlineData("app:SCRAM-SHA-512:{c}", "iterations=4096", "iterations=lots", "iterations must be a whole number")]
    [InlineData("app:SCRAM-SHA-256:{c}", "", "", "a SCRAM-SHA-256 credential has a non-empty salt and keys of 32 bytes")]
    [InlineData("app:SCRAM-SHA-512:{c},extra=1", "", "", "fields other than salt, stored_key, server_key and iterations")]
    [InlineData("app:SCRAM-SHA-512:{c},iterations=4096", "", "", "with each field once")]
    [InlineData("app:SCRAM-SHA-512:{c},", "", "", "with each field once")]
    [InlineData("app:SCRAM-SHA-512:{c}", ",server_key=", ":server_key=", "the mechanism is not a mechanism name")]
    public void Parse_MalformedLine_NamesFileAndLineButNoSecret(string template, string from, string to, string reason)
    {
        string credential = CredentialOf(Line("app", "pw"));
        string line = template.Replace("{c}", credential, StringComparison.Ordinal);
        if (from.Length > 0)
        {
            line = line.Replace(from, to, StringComparison.Ordinal);
        }

        var error = Assert.Throws<InvalidOperationException>(() => ClientCredentialStore.Parse(["# users", "", line], FileName));

        Assert.StartsWith("KafkaProxy:ClientAuth:CredentialsFile 'users.txt' line 3: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.All(SecretsOf(credential), secret => Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_KeysOfTheWrongLength_AreRefused()
    {
        string credential = CredentialOf(Line("app", "pw", "SCRAM-SHA-256"));

        var error = Assert.Throws<InvalidOperationException>(() => ClientCredentialStore.Parse(["app:SCRAM-SHA-512:" + credential], FileName));

        Assert.Contains("line 1: a SCRAM-SHA-512 credential has a non-empty salt and keys of 64 bytes", error.Message, StringComparison.Ordinal);
        Assert.All(SecretsOf(credential), secret => Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_SameUserAndMechanismTwice_NamesTheSecondLine()
    {
        string first = Line("app", "pw");
        string second = Line("app", "other");

        var error = Assert.Throws<InvalidOperationException>(() => ClientCredentialStore.Parse([first, "# again", second], FileName));

        Assert.Equal("KafkaProxy:ClientAuth:CredentialsFile 'users.txt' line 3: user 'app' already has a SCRAM-SHA-512 line.", error.Message);
        Assert.All(SecretsOf(CredentialOf(first)).Concat(SecretsOf(CredentialOf(second))),
            secret => Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_SameUserWithBothMechanisms_IsOneUser()
    {
        var store = ClientCredentialStore.Parse([.. ClientCredentialFile.CreateLines("app", "pw", 4096), Line("ops", "pw", "SCRAM-SHA-256")], FileName);

        Assert.Equal(2, store.UserCount);
        Assert.NotNull(store.Find("app", ScramAlgorithm.Sha256));
        Assert.NotNull(store.Find("app", ScramAlgorithm.Sha512));
        Assert.Null(store.Find("ops", ScramAlgorithm.Sha512));
    }

    [Fact]
    public void Parse_NoLines_HasNoUsers()
    {
        var store = ClientCredentialStore.Parse(["# nobody yet"], FileName);

        Assert.Equal(0, store.UserCount);
        Assert.Null(store.FindAny("app"));
    }

    [Fact]
    public void Find_UserNames_AreCaseSensitive()
    {
        var store = ClientCredentialStore.Parse([Line("App", "pw")], FileName);

        Assert.Null(store.Find("app", ScramAlgorithm.Sha512));
        Assert.NotNull(store.Find("App", ScramAlgorithm.Sha512));
    }

    [Fact]
    public void FindAny_UserWithBothMechanisms_PrefersScramSha512()
    {
        var store = ClientCredentialStore.Parse([Line("app", "for-256", "SCRAM-SHA-256"), Line("app", "for-512", "SCRAM-SHA-512")], FileName);

        var credential = store.FindAny("app");

        Assert.Same(ScramAlgorithm.Sha512, credential?.Algorithm);
        Assert.True(credential?.Verifies("for-512"));
    }

    [Fact]
    public void FindAny_UserWithScramSha256Only_ReturnsThatLine()
    {
        var store = ClientCredentialStore.Parse([Line("app", "pw", "SCRAM-SHA-256")], FileName);

        Assert.Same(ScramAlgorithm.Sha256, store.FindAny("app")?.Algorithm);
        Assert.Null(store.FindAny("ghost"));
    }

    [Fact]
    public void Decoy_SameUser_HasTheSameSaltAndIterationsEveryTime()
    {
        var store = ClientCredentialStore.Parse([Line("app", "pw")], FileName);

        var first = store.Decoy("ghost", ScramAlgorithm.Sha512);
        var second = store.Decoy("ghost", ScramAlgorithm.Sha512);

        Assert.Equal(first.Salt, second.Salt);
        Assert.Equal(first.Iterations, second.Iterations);
    }

    [Fact]
    public void Decoy_OtherUserOrMechanism_HasAnotherSalt()
    {
        var store = ClientCredentialStore.Parse([Line("app", "pw")], FileName);

        byte[] ghost = store.Decoy("ghost", ScramAlgorithm.Sha512).Salt;

        Assert.NotEqual(ghost, store.Decoy("phantom", ScramAlgorithm.Sha512).Salt);
        Assert.NotEqual(ghost, store.Decoy("ghost", ScramAlgorithm.Sha256).Salt);
    }

    [Fact]
    public void Decoy_AnotherStore_HasAnotherSalt()
    {
        string[] lines = [Line("app", "pw")];

        Assert.NotEqual(
            ClientCredentialStore.Parse(lines, FileName).Decoy("ghost", ScramAlgorithm.Sha512).Salt,
            ClientCredentialStore.Parse(lines, FileName).Decoy("ghost", ScramAlgorithm.Sha512).Salt);
    }

    [Theory]
    [InlineData(new[] { "SCRAM-SHA-256" }, "SCRAM-SHA-256")]
    [InlineData(new[] { "SCRAM-SHA-512" }, "SCRAM-SHA-512")]
    [InlineData(new[] { "SCRAM-SHA-256", "SCRAM-SHA-512" }, "SCRAM-SHA-512")]
    public void PlainDecoyAlgorithm_IsTheOneTheFilesUsersAreCheckedWith(string[] mechanisms, string expected)
    {
        var store = ClientCredentialStore.Parse([.. mechanisms.Select(m => ClientCredentialFile.CreateLine("app", "pw", m, 4096))], FileName);

        Assert.Equal(expected, store.PlainDecoyAlgorithm.Name);
        Assert.Same(store.FindAny("app")!.Algorithm, store.PlainDecoyAlgorithm);
    }

    [Fact]
    public void Decoy_SameDecoyKeyAcrossReloads_GivesTheSameSalt()
    {
        byte[] key = new byte[32];
        var before = ClientCredentialStore.Parse([Line("app", "pw")], FileName, key);
        var after = ClientCredentialStore.Parse([Line("app", "pw"), Line("other", "pw")], FileName, key);

        Assert.Equal(before.Decoy("ghost", ScramAlgorithm.Sha512).Salt, after.Decoy("ghost", ScramAlgorithm.Sha512).Salt);
    }

    [Fact]
    public void Decoy_TakesTheMostCommonIterationsOfTheFile()
    {
        var store = ClientCredentialStore.Parse(
            [
                ClientCredentialFile.CreateLine("a", "pw", "SCRAM-SHA-512", 5000),
                ClientCredentialFile.CreateLine("b", "pw", "SCRAM-SHA-512", 4096),
                ClientCredentialFile.CreateLine("c", "pw", "SCRAM-SHA-512", 4096),
            ],
            FileName);

        Assert.Equal(4096, store.Decoy("ghost", ScramAlgorithm.Sha512).Iterations);
    }

    [Fact]
    public void Decoy_LooksLikeTheFilesCredentials()
    {
        var store = ClientCredentialStore.Parse([Line("app", "pw")], FileName);
        var real = store.Find("app", ScramAlgorithm.Sha512)!;

        var decoy = store.Decoy("ghost", ScramAlgorithm.Sha512);

        Assert.Same(ScramAlgorithm.Sha512, decoy.Algorithm);
        Assert.Equal(real.Iterations, decoy.Iterations);
        Assert.Equal(real.Salt.Length, decoy.Salt.Length);
        Assert.Equal(real.StoredKey.Length, decoy.StoredKey.Length);
    }

    [Fact]
    public void Decoy_EmptyFile_UsesKafkasDefaultIterations()
    {
        var store = ClientCredentialStore.Parse([], FileName);

        Assert.Equal(8192, store.Decoy("ghost", ScramAlgorithm.Sha256).Iterations);
    }

    [Theory]
    [InlineData("")]
    [InlineData("pw")]
    public void Decoy_AnyPassword_DoesNotVerify(string password)
    {
        var store = ClientCredentialStore.Parse([Line("app", "pw")], FileName);

        Assert.False(store.Decoy("app", ScramAlgorithm.Sha512).Verifies(password));
    }

    [Fact]
    public void Load_MissingFile_NamesTheFlagAndThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), "kafka-proxy-" + Guid.NewGuid().ToString("N"), "users.txt");

        var error = Assert.Throws<InvalidOperationException>(() => ClientCredentialStore.Load(path));

        Assert.StartsWith($"KafkaProxy:ClientAuth:CredentialsFile '{path}' cannot be read: ", error.Message, StringComparison.Ordinal);
    }
}
