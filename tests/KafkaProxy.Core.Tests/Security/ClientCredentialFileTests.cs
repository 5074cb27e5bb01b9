using KafkaProxy.Core.Security;
using KafkaProxy.Core.Security.ClientAuth;

namespace KafkaProxy.Core.Tests.Security;

public sealed class ClientCredentialFileTests
{
    private const string Password = "correct horse battery staple";

    private static ScramCredential Parsed(string line, string user, ScramAlgorithm algorithm) =>
        ClientCredentialStore.Parse([line], "users.txt").Find(user, algorithm)!;

    [Theory]
    [InlineData("")]
    [InlineData(" app")]
    [InlineData("app ")]
    [InlineData("\tapp")]
    [InlineData("#app")]
    [InlineData("app\nadmin")]
    [InlineData("app\r")]
    [InlineData("ap\rp")]
    public void CreateLine_UnwritableUserName_IsRefused(string username)
    {
        var error = Assert.Throws<ArgumentException>(() => ClientCredentialFile.CreateLine(username, Password));

        Assert.Equal("username", error.ParamName);
        Assert.Contains("must not be empty, start with '#', hold a line break, or start or end with white space", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateLine_NullUserOrPassword_IsRefused()
    {
        Assert.Equal("username", Assert.Throws<ArgumentNullException>(() => ClientCredentialFile.CreateLine(null!, Password)).ParamName);
        Assert.Equal("password", Assert.Throws<ArgumentNullException>(() => ClientCredentialFile.CreateLine("app", null!)).ParamName);
    }

    [Fact]
    public void CreateLine_EmptyPassword_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => ClientCredentialFile.CreateLine("app", ""));

        Assert.Equal("password", error.ParamName);
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("scram-sha-512")]
    [InlineData("SCRAM-SHA-1")]
    public void CreateLine_MechanismNotScram_IsRefusedNamingTheChoices(string mechanism)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ClientCredentialFile.CreateLine("app", Password, mechanism));

        Assert.Equal("mechanism", error.ParamName);
        Assert.Equal(mechanism, error.ActualValue);
        Assert.Contains("Use SCRAM-SHA-256 or SCRAM-SHA-512", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4095)]
    [InlineData(0)]
    [InlineData(-1)]
    public void CreateLine_FewerThan4096Iterations_IsRefused(int iterations)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ClientCredentialFile.CreateLine("app", Password, iterations: iterations));

        Assert.Equal("iterations", error.ParamName);
        Assert.Contains("Use at least 4096 iterations", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SCRAM-SHA-256")]
    [InlineData("SCRAM-SHA-512")]
    public void CreateLine_4096Iterations_WritesAUserMechanismCredentialLine(string mechanism)
    {
        string line = ClientCredentialFile.CreateLine("app", Password, mechanism, 4096);

        Assert.StartsWith($"app:{mechanism}:salt=", line, StringComparison.Ordinal);
        Assert.Contains(",stored_key=", line, StringComparison.Ordinal);
        Assert.Contains(",server_key=", line, StringComparison.Ordinal);
        Assert.EndsWith(",iterations=4096", line, StringComparison.Ordinal);
        Assert.True(Parsed(line, "app", ScramAlgorithm.Find(mechanism)!).Verifies(Password));
    }

    [Fact]
    public void CreateLine_NoIterationsGiven_UsesKafkasDefault()
    {
        string line = ClientCredentialFile.CreateLine("app", Password);

        Assert.Equal(8192, ClientCredentialFile.DefaultIterations);
        Assert.StartsWith("app:SCRAM-SHA-512:", line, StringComparison.Ordinal);
        Assert.Equal(8192, Parsed(line, "app", ScramAlgorithm.Sha512).Iterations);
    }

    [Fact]
    public void CreateLine_TwoCalls_UseDifferentSalts()
    {
        var first = Parsed(ClientCredentialFile.CreateLine("app", Password, iterations: 4096), "app", ScramAlgorithm.Sha512);
        var second = Parsed(ClientCredentialFile.CreateLine("app", Password, iterations: 4096), "app", ScramAlgorithm.Sha512);

        Assert.Equal(ScramCredential.SaltLength, first.Salt.Length);
        Assert.NotEqual(first.Salt, second.Salt);
        Assert.NotEqual(first.StoredKey, second.StoredKey);
    }

    [Fact]
    public void CreateLines_WritesOneLinePerScramMechanism()
    {
        var lines = ClientCredentialFile.CreateLines("app", Password, 4096);

        Assert.Collection(lines,
            l => Assert.StartsWith("app:SCRAM-SHA-256:", l, StringComparison.Ordinal),
            l => Assert.StartsWith("app:SCRAM-SHA-512:", l, StringComparison.Ordinal));
        var store = ClientCredentialStore.Parse(lines, "users.txt");
        Assert.True(store.Find("app", ScramAlgorithm.Sha256)?.Verifies(Password));
        Assert.True(store.Find("app", ScramAlgorithm.Sha512)?.Verifies(Password));
    }

    [Fact]
    public void CreateLines_BadArguments_AreRefusedAsByCreateLine()
    {
        Assert.Equal("username", Assert.Throws<ArgumentException>(() => ClientCredentialFile.CreateLines("#app", Password)).ParamName);
        Assert.Equal("iterations", Assert.Throws<ArgumentOutOfRangeException>(() => ClientCredentialFile.CreateLines("app", Password, 4095)).ParamName);
    }

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("hunter2hunter2")]
    [InlineData("p@ss:w0rd,=")]
    public void CreateLines_Lines_NeverHoldThePassword(string password)
    {
        foreach (string line in ClientCredentialFile.CreateLines("user", password, 4096))
        {
            Assert.DoesNotContain(password, line, StringComparison.Ordinal);
        }
    }
}
