using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Configuration.CommandLine;

namespace KafkaProxy.Core.Tests.Security;

public sealed class ClientAuthCommandLineTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static ClientAuthOptions Apply(params string[] args)
    {
        var options = new KafkaProxyOptions();
        ServerCommandLine.Parse(args, NoEnvironment).ApplyTo(options);
        return options.ClientAuth;
    }

    private static string Refusal(params string[] args) =>
        Assert.Throws<CommandLineException>(() => ServerCommandLine.Parse(args, NoEnvironment)).Message;

    [Fact]
    public void Parse_NoFlags_LeavesClientAuthOffWithItsDefaults()
    {
        var auth = Apply();

        Assert.False(auth.Enabled);
        Assert.Null(auth.CredentialsFile);
        Assert.Equal(["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"], auth.Mechanisms);
        Assert.Equal(TimeSpan.FromSeconds(10), auth.Timeout);
    }

    [Fact]
    public void Parse_AuthLocalFlags_FillClientAuth()
    {
        var auth = Apply(
            "--auth-local-enable", "--auth-local-credentials-file", "/etc/kafka-proxy/users.txt",
            "--auth-local-mechanism", "SCRAM-SHA-512,SCRAM-SHA-256", "--auth-local-timeout=1m30s");

        Assert.True(auth.Enabled);
        Assert.Equal("/etc/kafka-proxy/users.txt", auth.CredentialsFile);
        Assert.Equal(["SCRAM-SHA-512", "SCRAM-SHA-256"], auth.Mechanisms);
        Assert.Equal(TimeSpan.FromSeconds(90), auth.Timeout);
    }

    [Fact]
    public void Parse_AuthLocalEnableFalse_LeavesClientAuthOff()
    {
        Assert.False(Apply("--auth-local-enable=false").Enabled);
    }

    [Fact]
    public void Parse_Mechanisms_ReplaceTheDefaultUpperCasedWithoutRepeats()
    {
        var auth = Apply("--auth-local-mechanism", " scram-sha-256 , Plain,SCRAM-SHA-256,");

        Assert.Equal(["SCRAM-SHA-256", "PLAIN"], auth.Mechanisms);
    }

    [Fact]
    public void Parse_MechanismFlagTwice_TheLastWins()
    {
        var auth = Apply("--auth-local-mechanism", "PLAIN", "--auth-local-mechanism", "SCRAM-SHA-512");

        Assert.Equal(["SCRAM-SHA-512"], auth.Mechanisms);
    }

    [Fact]
    public void Parse_UnknownMechanism_NamesTheFlagAndTheChoices()
    {
        Assert.Equal(
            "--auth-local-mechanism: 'GSSAPI' is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512.",
            Refusal("--auth-local-mechanism", "SCRAM-SHA-512,GSSAPI"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" , ")]
    public void Parse_NoMechanism_AsksForOneOrMore(string value)
    {
        Assert.Equal(
            "--auth-local-mechanism: give one or more of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, comma-separated.",
            Refusal("--auth-local-mechanism=" + value));
    }

    [Fact]
    public void Parse_TimeoutWithoutUnit_ShowsHowToWriteADuration()
    {
        Assert.Equal(
            "--auth-local-timeout: '10' is not a duration: write a number with a unit, such as 500ms, 15s, 2m or 1h30m.",
            Refusal("--auth-local-timeout", "10"));
    }

    [Fact]
    public void Parse_FlagWithoutValue_NamesWhatToGive()
    {
        Assert.Equal("--auth-local-credentials-file needs a value: --auth-local-credentials-file <file>.", Refusal("--auth-local-credentials-file"));
    }

    [Fact]
    public void Parse_AuthLocalCommand_IsRefusedPointingToTheCredentialsFile()
    {
        Assert.Equal(
            "--auth-local-command: authentication plugins are not supported; give the users in --auth-local-credentials-file (lines made by 'kafka-proxy credentials').",
            Refusal("--auth-local-enable", "--auth-local-command", "/usr/local/bin/auth-ldap"));
    }

    [Fact]
    public void HelpText_ListsTheAuthLocalFlags()
    {
        foreach (string flag in new[] { "--auth-local-enable", "--auth-local-credentials-file <file>", "--auth-local-mechanism <mechanisms>", "--auth-local-timeout <duration>", "--auth-local-command <file>" })
        {
            Assert.Contains(flag, ServerCommandLine.HelpText, StringComparison.Ordinal);
        }
    }
}
