using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Security;

/// <summary>Reads credentials from files, and says when such a file can be read by others than its owner.</summary>
internal static partial class CredentialFiles
{
    /// <summary>
    /// The <c>username="…"</c> and <c>password="…"</c> of a JAAS file such as Kafka clients use, for example
    /// <c>org.apache.kafka.common.security.plain.PlainLoginModule required username="app" password="…";</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file cannot be read or lacks exactly one of each; the message never holds the password.</exception>
    public static SaslCredentials ReadJaas(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"KafkaProxy:UpstreamSasl:JaasConfigFile '{path}' cannot be read: {ex.Message}", ex);
        }

        return new SaslCredentials(JaasValue(path, text, UsernamePattern(), "username"), JaasValue(path, text, PasswordPattern(), "password"));
    }

    /// <summary>Logs <see cref="PermissionWarning"/> for <paramref name="path"/> when there is one (event 2002).</summary>
    public static void WarnIfOpen(ILogger logger, string? path, string setting)
    {
        if (!string.IsNullOrEmpty(path) && PermissionWarning(path, setting) is { } warning)
        {
            Log.CredentialFileOpen(logger, warning);
        }
    }

    /// <summary>A warning when group or others may read or write <paramref name="path"/> (Unix only); null when it is private.</summary>
    public static string? PermissionWarning(string path, string setting)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return null;
        }

        var mode = File.GetUnixFileMode(path);
        const UnixFileMode open = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        return (mode & open) == 0
            ? null
            : $"{setting} '{path}' holds secrets but others can read or change it (mode {Convert.ToString((int)mode, 8)}): run chmod 600 on it";
    }

    private static string JaasValue(string path, string text, Regex pattern, string name)
    {
        var matches = pattern.Matches(text);
        if (matches.Count != 1 || matches[0].Groups[1].Value.Trim().Length == 0)
        {
            string found = matches.Count == 0 ? "none" : matches.Count == 1 ? "an empty one" : $"{matches.Count}";
            throw new InvalidOperationException($"KafkaProxy:UpstreamSasl:JaasConfigFile '{path}' must hold exactly one non-empty {name}=\"...\" entry; found {found}.");
        }

        return matches[0].Groups[1].Value.Trim();
    }

    [GeneratedRegex("""username\s*=\s*"(.*?)"\s*""", RegexOptions.CultureInvariant)]
    private static partial Regex UsernamePattern();

    [GeneratedRegex("""password\s*=\s*"(.*?)"\s*""", RegexOptions.CultureInvariant)]
    private static partial Regex PasswordPattern();
}
