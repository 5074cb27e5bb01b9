using KafkaProxy.Http.Gateway;

namespace KafkaProxy.Http.Tests.Gateway;

public sealed class HttpPushOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_WithAToken_Succeed()
    {
        var result = new HttpPushOptionsValidator().Validate(null, new HttpPushOptions { Token = "t" });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("", "No token is configured: set KAFKA_PROXY_TOKEN")]
    [InlineData("  ", "No token is configured")]
    [InlineData(" t", "starts or ends with whitespace")]
    public void Validate_MissingOrPaddedToken_Fails(string token, string message)
    {
        var result = new HttpPushOptionsValidator().Validate(null, new HttpPushOptions { Token = token });

        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadLimits_NameEachSetting()
    {
        var options = new HttpPushOptions { Token = "t", MaxMessageBytes = 0, MaxRequestBytes = 3, RetryAfter = TimeSpan.Zero, WaitTimeout = TimeSpan.Zero };

        var result = new HttpPushOptionsValidator().Validate(null, options);

        Assert.Equal(4, result.Failures!.Count());
        Assert.Contains("MaxMessageBytes is 0", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("MaxRequestBytes is 3", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("RetryAfter", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("WaitTimeout", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_InProgressBudgetBelowTheRequestLimit_FailsNamingBoth()
    {
        var options = new HttpPushOptions { Token = "t", MaxRequestBytes = 1000, MaxInProgressBytes = 999 };

        var result = new HttpPushOptionsValidator().Validate(null, options);

        Assert.Equal(
            "KafkaProxy:HttpPush:MaxInProgressBytes is 999: it must be at least MaxRequestBytes (1000), or the largest requests could never be read.",
            Assert.Single(result.Failures!));
    }
}
