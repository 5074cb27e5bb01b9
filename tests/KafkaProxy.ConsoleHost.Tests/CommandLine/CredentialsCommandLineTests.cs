using KafkaProxy.ConsoleHost.CommandLine;
using KafkaProxy.Core.Security;
using KafkaProxy.Core.Security.ClientAuth;

namespace KafkaProxy.ConsoleHost.Tests.CommandLine;

public sealed class CredentialsCommandLineTests
{
    private static CredentialsCommandLine Parse(params string[] args)
    {
        var line = CredentialsCommandLine.Parse(args);
        Assert.Empty(line.Errors);
        return line;
    }

    private static string Refusal(params string[] args) => Assert.Single(CredentialsCommandLine.Parse(args).Errors);

    [Fact]
    public void Parse_UsernameOnly_PrintsBothScramLinesWithKafkasIterations()
    {
        var line = Parse("--username", "app");

        Assert.Equal("app", line.Username);
        Assert.Equal(["SCRAM-SHA-256", "SCRAM-SHA-512"], line.Mechanisms);
        Assert.Equal(8192, line.Iterations);
        Assert.False(line.HelpRequested);
    }

    [Theory]
    [InlineData("scram-sha-256", "SCRAM-SHA-256")]
    [InlineData("SCRAM-SHA-512", "SCRAM-SHA-512")]
    public void Parse_OneMechanism_KeepsOnlyThatOne(string value, string mechanism)
    {
        Assert.Equal([mechanism], Parse("--username=app", $"--mechanism={value}").Mechanisms);
    }

    [Fact]
    public void Parse_MechanismAll_KeepsBoth()
    {
        Assert.Equal(["SCRAM-SHA-256", "SCRAM-SHA-512"], Parse("--mechanism", "SCRAM-SHA-512", "--mechanism", "All", "--username", "app").Mechanisms);
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("gssapi")]
    [InlineData("")]
    public void Parse_MechanismNotScram_NamesTheChoices(string value)
    {
        Assert.Equal(
            $"--mechanism is '{value.ToUpperInvariant()}'; use SCRAM-SHA-256, SCRAM-SHA-512 or all (PLAIN clients are checked against either).",
            Refusal("--username", "app", "--mechanism", value));
    }

    [Fact]
    public void Parse_Iterations_AreKept()
    {
        Assert.Equal(4096, Parse("--username", "app", "--iterations", "4096").Iterations);
        Assert.Equal(100000, Parse("--username", "app", "--iterations=100000").Iterations);
    }

    [Theory]
    [InlineData("4095")]
    [InlineData("0")]
    [InlineData("-8192")]
    [InlineData("+8192")]
    [InlineData("8k")]
    [InlineData("99999999999")]
    public void Parse_IterationsNotAWholeNumberOfAtLeast4096_NamesTheValue(string value)
    {
        Assert.Equal($"--iterations is '{value}'; give a whole number of at least 4096.", Refusal("--username", "app", "--iterations", value));
    }

    [Fact]
    public void Parse_NoUsername_SaysHowToGiveIt()
    {
        Assert.Equal("--username is required: kafka-proxy credentials --username <user> (the password comes from standard input).", Refusal("--mechanism", "all"));
    }

    [Fact]
    public void Parse_EmptyUsername_IsRequiredAsWell()
    {
        Assert.StartsWith("--username is required", Refusal("--username", ""), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Parse_Help_NeedsNoUsername(string flag)
    {
        Assert.True(Parse(flag).HelpRequested);
    }

    [Fact]
    public void Parse_UnknownFlag_PointsToTheHelp()
    {
        Assert.Equal("Unknown flag --password. Run 'kafka-proxy credentials --help'.", Refusal("--username", "app", "--password", "pw"));
    }

    [Fact]
    public void Parse_StrayArgument_PointsToTheHelp()
    {
        Assert.Equal("Unexpected argument 'app': flags start with --. Run 'kafka-proxy credentials --help'.", Refusal("app"));
    }

    [Theory]
    [InlineData("--username")]
    [InlineData("--username=")]
    public void Parse_FlagWithoutValue_NamesTheFlag(string arg)
    {
        Assert.Equal("--username needs a value. Run 'kafka-proxy credentials --help'.", Refusal(arg));
    }

    [Fact]
    public void HelpText_ListsEveryFlag()
    {
        foreach (string flag in new[] { "--username <user>", "--mechanism <name>", "--iterations <n>", "--help", "--auth-local-credentials-file" })
        {
            Assert.Contains(flag, CredentialsCommandLine.HelpText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CreateLines_Password_GivesALinePerMechanismThatVerifiesIt()
    {
        var lines = Parse("--username", "app", "--iterations", "4096").CreateLines("s3cret");

        Assert.Equal(2, lines.Count);
        var store = ClientCredentialStore.Parse(lines, "users.txt");
        Assert.True(store.Find("app", ScramAlgorithm.Sha256)?.Verifies("s3cret"));
        Assert.True(store.Find("app", ScramAlgorithm.Sha512)?.Verifies("s3cret"));
        Assert.All(lines, l => Assert.EndsWith(",iterations=4096", l, StringComparison.Ordinal));
    }

    [Fact]
    public void CreateLines_OneMechanism_GivesOneLine()
    {
        var lines = Parse("--username", "app", "--mechanism", "scram-sha-512", "--iterations", "4096").CreateLines("s3cret");

        Assert.StartsWith("app:SCRAM-SHA-512:", Assert.Single(lines), StringComparison.Ordinal);
    }

    [Fact]
    public void CreateLines_EmptyPassword_SaysHowToPipeIt()
    {
        var line = Parse("--username", "app");

        var error = Assert.Throws<CommandLineException>(() => line.CreateLines(""));

        Assert.StartsWith("The password is empty: write it to standard input", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("#app")]
    [InlineData(" app")]
    public void CreateLines_UnwritableUsername_NamesItWithoutTheParameterSuffix(string username)
    {
        var line = Parse("--username", username, "--iterations", "4096");

        var error = Assert.Throws<CommandLineException>(() => line.CreateLines("s3cret"));

        Assert.Equal($"--username '{username}': The user name must not be empty, start with '#', hold a line break, or start or end with white space.", error.Message);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }
}
