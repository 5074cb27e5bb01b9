using Microsoft.Extensions.Options;

namespace KafkaProxy.Http.Gateway;

/// <summary>Checks <see cref="HttpPushOptions"/> at start; every message names the setting and the fix.</summary>
internal sealed class HttpPushOptionsValidator : IValidateOptions<HttpPushOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, HttpPushOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>(options.ConfigurationProblems);
        if (string.IsNullOrWhiteSpace(options.Token))
        {
            errors.Add("No token is configured: set KAFKA_PROXY_TOKEN (KafkaProxy:HttpPush:Token). The gateway does not start without one.");
        }
        else if (options.Token.Trim() != options.Token)
        {
            errors.Add("KAFKA_PROXY_TOKEN (KafkaProxy:HttpPush:Token) starts or ends with whitespace, which HTTP clients strip from headers: remove it.");
        }

        if (options.MaxMessageBytes < 1)
        {
            errors.Add($"KafkaProxy:HttpPush:MaxMessageBytes is {options.MaxMessageBytes}: it must be at least 1.");
        }

        if (options.MaxRequestBytes < 4)
        {
            errors.Add($"KafkaProxy:HttpPush:MaxRequestBytes is {options.MaxRequestBytes}: it must be at least 4 (one length prefix).");
        }

        if (options.MaxInProgressBytes < options.MaxRequestBytes)
        {
            errors.Add($"KafkaProxy:HttpPush:MaxInProgressBytes is {options.MaxInProgressBytes}: it must be at least MaxRequestBytes ({options.MaxRequestBytes}), or the largest requests could never be read.");
        }

        if (options.RetryAfter < TimeSpan.FromSeconds(1) || options.RetryAfter > TimeSpan.FromDays(1))
        {
            errors.Add($"KafkaProxy:HttpPush:RetryAfter is {options.RetryAfter}: it must be between 1 second and 1 day (Retry-After counts whole seconds).");
        }

        if (options.WaitTimeout <= TimeSpan.Zero || options.WaitTimeout > TimeSpan.FromDays(1))
        {
            errors.Add($"KafkaProxy:HttpPush:WaitTimeout is {options.WaitTimeout}: it must be more than zero and at most 1 day.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
