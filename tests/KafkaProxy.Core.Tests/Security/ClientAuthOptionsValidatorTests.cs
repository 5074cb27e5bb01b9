using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Security;

namespace KafkaProxy.Core.Tests.Security;

public sealed class ClientAuthOptionsValidatorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kafka-proxy-client-auth-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteFile(params string[] lines)
    {
        string path = Path.Combine(_directory, "users.txt");
        File.WriteAllLines(path, lines);
        return path;
    }

    private KafkaProxyOptions Valid()
    {
        var options = new KafkaProxyOptions();
        options.Brokers.Add(BrokerMapping.Parse("broker:9092,127.0.0.1:0"));
        options.ClientAuth.Enabled = true;
        options.ClientAuth.CredentialsFile = WriteFile(["# proxy users", .. ClientCredentialFile.CreateLines("app", "s3cret", 4096)]);
        return options;
    }

    private static List<string> Failures(KafkaProxyOptions options) =>
        [.. new KafkaProxyOptionsValidator().Validate(null, options).Failures ?? []];

    [Fact]
    public void Validate_EnabledWithAReadableFile_Passes()
    {
        Assert.Empty(Failures(Valid()));
    }

    [Fact]
    public void Validate_Disabled_IgnoresTheOtherSettings()
    {
        var options = Valid();
        options.ClientAuth.Enabled = false;
        options.ClientAuth.CredentialsFile = Path.Combine(_directory, "missing.txt");
        options.ClientAuth.Mechanisms.Clear();
        options.ClientAuth.Timeout = TimeSpan.Zero;

        Assert.Empty(Failures(options));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_EnabledWithoutFile_SaysHowToMakeOne(string? file)
    {
        var options = Valid();
        options.ClientAuth.CredentialsFile = file;

        Assert.Equal(
            ["KafkaProxy:ClientAuth:Enabled needs KafkaProxy:ClientAuth:CredentialsFile: make its lines with 'kafka-proxy credentials --username <user>' or ClientCredentialFile.CreateLine."],
            Failures(options));
    }

    [Fact]
    public void Validate_FileDoesNotExist_NamesTheFlagAndThePath()
    {
        var options = Valid();
        string path = Path.Combine(_directory, "missing.txt");
        options.ClientAuth.CredentialsFile = path;

        Assert.Equal([$"KafkaProxy:ClientAuth:CredentialsFile '{path}' does not exist: give the path of a readable file."], Failures(options));
    }

    [Fact]
    public void Validate_MalformedFile_NamesTheFlagTheFileAndTheLineButNoSecret()
    {
        var options = Valid();
        string good = ClientCredentialFile.CreateLine("app", "s3cret", iterations: 4096);
        string credential = good[(good.LastIndexOf(':') + 1)..];
        options.ClientAuth.CredentialsFile = WriteFile(good, "ops:PLAIN:" + credential);

        string failure = Assert.Single(Failures(options));

        Assert.StartsWith($"KafkaProxy:ClientAuth:CredentialsFile '{options.ClientAuth.CredentialsFile}' line 2: the mechanism is 'PLAIN'; use SCRAM-SHA-256 or SCRAM-SHA-512", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(credential.Split(',')[0]["salt=".Length..], failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoMechanism_NamesTheFlagAndTheChoices()
    {
        var options = Valid();
        options.ClientAuth.Mechanisms.Clear();

        Assert.Equal(["KafkaProxy:ClientAuth:Mechanisms is ''; give one or more of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512."], Failures(options));
    }

    [Theory]
    [InlineData("GSSAPI")]
    [InlineData("plain")]
    [InlineData("OAUTHBEARER")]
    public void Validate_UnknownMechanism_NamesItAndTheChoices(string mechanism)
    {
        var options = Valid();
        options.ClientAuth.Mechanisms.Add(mechanism);

        Assert.Equal(
            [$"KafkaProxy:ClientAuth:Mechanisms is 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,{mechanism}'; give one or more of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512."],
            Failures(options));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(25 * 24 * 3600)]
    public void Validate_TimeoutNotPositiveOrTooLong_SaysTheRange(int seconds)
    {
        var options = Valid();
        options.ClientAuth.Timeout = TimeSpan.FromSeconds(seconds);

        Assert.Equal([$"KafkaProxy:ClientAuth:Timeout is {TimeSpan.FromSeconds(seconds)}; it must be positive and at most 24 days, for example 10s."], Failures(options));
    }

    [Fact]
    public void Validate_Timeout24Days_Passes()
    {
        var options = Valid();
        options.ClientAuth.Timeout = TimeSpan.FromDays(24);

        Assert.Empty(Failures(options));
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEach()
    {
        var options = Valid();
        options.ClientAuth.CredentialsFile = null;
        options.ClientAuth.Mechanisms.Clear();
        options.ClientAuth.Timeout = TimeSpan.Zero;

        var failures = Failures(options);

        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("KafkaProxy:ClientAuth:Enabled needs KafkaProxy:ClientAuth:CredentialsFile", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("KafkaProxy:ClientAuth:Mechanisms", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("KafkaProxy:ClientAuth:Timeout", StringComparison.Ordinal));
    }
}
