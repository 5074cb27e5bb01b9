using KafkaProxy.Core.Configuration;

namespace KafkaProxy.Core.Tests.Security;

public sealed class SecurityOptionsValidatorTests
{
    private static KafkaProxyOptions Valid()
    {
        var options = new KafkaProxyOptions();
        options.Brokers.Add(BrokerMapping.Parse("broker:9092,127.0.0.1:0"));
        return options;
    }

    private static IEnumerable<string> Failures(KafkaProxyOptions options) =>
        new KafkaProxyOptionsValidator().Validate(null, options).Failures ?? [];

    [Fact]
    public void Validate_TlsAndSaslOff_AcceptsUnusedSettings()
    {
        var options = Valid();
        options.UpstreamSasl.Password = "from SASL_PASSWORD";
        options.UpstreamTls.ClientCertFile = "/missing.pem";

        Assert.Empty(Failures(options));
    }

    [Fact]
    public void Validate_ClientCertWithoutKey_AsksForBoth()
    {
        var options = Valid();
        options.UpstreamTls.Enabled = true;
        options.UpstreamTls.ClientCertFile = typeof(SecurityOptionsValidatorTests).Assembly.Location;

        Assert.Contains(Failures(options), f => f.Contains("KafkaProxy:UpstreamTls:ClientCertFile and KafkaProxy:UpstreamTls:ClientKeyFile", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_MissingCaFile_NamesTheFlagAndThePath()
    {
        var options = Valid();
        options.UpstreamTls.Enabled = true;
        options.UpstreamTls.CaChainCertFile = "/nowhere/ca.pem";

        Assert.Contains("KafkaProxy:UpstreamTls:CaChainCertFile '/nowhere/ca.pem' does not exist: give the path of a readable file.", Failures(options));
    }

    [Fact]
    public void Validate_SystemPoolWithoutCaFile_ExplainsItIsNotNeeded()
    {
        var options = Valid();
        options.UpstreamTls.Enabled = true;
        options.UpstreamTls.UseSystemTrustStore = true;

        Assert.Contains(Failures(options), f => f.StartsWith("KafkaProxy:UpstreamTls:UseSystemTrustStore", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SaslWithoutCredentials_SaysWhereCredentialsComeFrom()
    {
        var options = Valid();
        options.UpstreamSasl.Enabled = true;
        options.UpstreamSasl.Username = "app";

        Assert.Contains("KafkaProxy:UpstreamSasl:Enabled needs credentials: give KafkaProxy:UpstreamSasl:Username and KafkaProxy:UpstreamSasl:Password, or KafkaProxy:UpstreamSasl:JaasConfigFile.", Failures(options));
    }

    [Fact]
    public void Validate_SaslBadMechanismVersionAndFraction_ReportsEach()
    {
        var options = Valid();
        options.UpstreamSasl.Enabled = true;
        options.UpstreamSasl.Username = "app";
        options.UpstreamSasl.Password = "pw";
        options.UpstreamSasl.Mechanism = "GSSAPI";
        options.UpstreamSasl.HandshakeVersion = 2;
        options.UpstreamSasl.ReauthenticateAt = 1.5;

        var failures = Failures(options).ToList();

        Assert.Contains("KafkaProxy:UpstreamSasl:Mechanism is 'GSSAPI'; use one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512.", failures);
        Assert.Contains(failures, f => f.StartsWith("KafkaProxy:UpstreamSasl:HandshakeVersion is 2", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("KafkaProxy:UpstreamSasl:ReauthenticateAt is 1.5", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SaslWithJaasFile_NeedsNoUserOrPassword()
    {
        var options = Valid();
        options.UpstreamSasl.Enabled = true;
        options.UpstreamSasl.JaasConfigFile = typeof(SecurityOptionsValidatorTests).Assembly.Location;

        Assert.Empty(Failures(options));
    }

    [Fact]
    public void Validate_ListenerTlsWithoutCertificate_AsksForCertAndKey()
    {
        var options = Valid();
        options.ClientTls.Enabled = true;

        Assert.Contains("KafkaProxy:ClientTls:Enabled needs the server certificate and its key: give KafkaProxy:ClientTls:CertFile and KafkaProxy:ClientTls:KeyFile.", Failures(options));
    }
}
