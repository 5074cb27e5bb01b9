using KafkaProxy.ConsoleHost.CommandLine;

namespace KafkaProxy.ConsoleHost.Tests.CommandLine;

public sealed class ClientAuthFlagsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static ServerCommandLine Parse(params string[] args) => ServerCommandLine.Parse(args, NoEnvironment);

    [Fact]
    public void Parse_AuthLocalFlags_SetClientAuthKeys()
    {
        var line = Parse(
            "--auth-local-enable", "--auth-local-credentials-file", "/etc/kafka-proxy/users.txt",
            "--auth-local-mechanism", "SCRAM-SHA-512,SCRAM-SHA-256", "--auth-local-timeout=1m30s");

        Assert.Empty(line.Errors);
        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["KafkaProxy:ClientAuth:Enabled"] = "true",
                ["KafkaProxy:ClientAuth:CredentialsFile"] = "/etc/kafka-proxy/users.txt",
                ["KafkaProxy:ClientAuth:Mechanisms"] = "SCRAM-SHA-512,SCRAM-SHA-256",
                ["KafkaProxy:ClientAuth:Timeout"] = "1m30s",
            },
            line.Settings.ToDictionary());
    }

    [Fact]
    public void Parse_AuthLocalEnableFalse_WritesFalse()
    {
        Assert.Equal("false", Parse("--auth-local-enable=false").Settings["KafkaProxy:ClientAuth:Enabled"]);
    }

    [Fact]
    public void Parse_MechanismFlagTwice_TheLastWins()
    {
        Assert.Equal("SCRAM-SHA-512", Parse("--auth-local-mechanism", "PLAIN", "--auth-local-mechanism", "SCRAM-SHA-512").Settings["KafkaProxy:ClientAuth:Mechanisms"]);
    }

    [Fact]
    public void Parse_FlagWithoutValue_NamesWhatToGive()
    {
        Assert.Equal(["--auth-local-credentials-file needs a value: --auth-local-credentials-file <file>."], Parse("--auth-local-credentials-file").Errors);
    }

    [Theory]
    [InlineData("--auth-local-command", "/usr/local/bin/auth-ldap")]
    [InlineData("--auth-local-command=/usr/local/bin/auth-ldap")]
    [InlineData("--auth-local-command")]
    public void Parse_AuthLocalCommand_IsRefusedPointingToTheCredentialsFile(params string[] args)
    {
        Assert.Equal(
            ["--auth-local-command: authentication plugins are not supported; give the users in --auth-local-credentials-file (lines made by 'kafka-proxy credentials')."],
            Parse(["--auth-local-enable", .. args]).Errors);
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
