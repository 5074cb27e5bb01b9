using KafkaProxy.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace KafkaProxy.ConsoleHost.Hosting;

/// <summary>
/// Where the tool serves /health, /ready and /metrics: the section <c>KafkaProxy:Http</c> (flags <c>--http-*</c>).
/// </summary>
internal sealed class HttpEndpointSettings
{
    public const string Section = "KafkaProxy:Http";

    private static readonly string[] Keys = ["Enabled", "ListenAddress", "HealthPath", "ReadyPath", "MetricsPath"];

    public bool Enabled { get; private init; } = true;

    public string ListenAddress { get; private init; } = "127.0.0.1:9080";

    public string HealthPath { get; private init; } = "/health";

    public string ReadyPath { get; private init; } = "/ready";

    public string MetricsPath { get; private init; } = "/metrics";

    /// <summary>Reads the section; every value that is wrong, and every key that is not one of these, is a message naming it.</summary>
    public static HttpEndpointSettings Read(IConfiguration configuration, List<string> errors)
    {
        var section = configuration.GetSection(Section);
        foreach (var child in section.GetChildren().Where(c => !Keys.Contains(c.Key, StringComparer.OrdinalIgnoreCase)))
        {
            errors.Add($"{child.Path} is not a setting: the settings of {Section} are {string.Join(", ", Keys)}.");
        }

        bool enabled = true;
        if (section["Enabled"] is { } text && !bool.TryParse(text, out enabled))
        {
            errors.Add($"{Section}:Enabled: '{text}' is not true or false.");
            enabled = true;
        }

        return new HttpEndpointSettings
        {
            Enabled = enabled,
            ListenAddress = Address(section, errors) ?? "127.0.0.1:9080",
            HealthPath = PathOf(section, "HealthPath", errors) ?? "/health",
            ReadyPath = PathOf(section, "ReadyPath", errors) ?? "/ready",
            MetricsPath = PathOf(section, "MetricsPath", errors) ?? "/metrics",
        };
    }

    private static string? Address(IConfigurationSection section, List<string> errors)
    {
        if (section["ListenAddress"] is not { } text)
        {
            return null;
        }

        try
        {
            return HostPort.Parse(text).ToString();
        }
        catch (FormatException ex)
        {
            errors.Add($"{Section}:ListenAddress: {ex.Message} Use for example 127.0.0.1:9080, or 0.0.0.0:9080 for Kubernetes probes.");
            return null;
        }
    }

    private static string? PathOf(IConfigurationSection section, string key, List<string> errors)
    {
        if (section[key] is not { } text)
        {
            return null;
        }

        if (text.StartsWith('/') && !text.Contains(' ', StringComparison.Ordinal))
        {
            return text;
        }

        errors.Add($"{Section}:{key}: '{text}' is not a path: it must start with / and have no spaces.");
        return null;
    }
}
