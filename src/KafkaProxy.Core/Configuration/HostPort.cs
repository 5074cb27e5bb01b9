using System.Globalization;

namespace KafkaProxy.Core.Configuration;

/// <summary>A <c>host:port</c> pair as flags and configuration spell it (IPv6 literals in brackets).</summary>
public readonly struct HostPort : IEquatable<HostPort>
{
    /// <summary>Creates a pair.</summary>
    /// <param name="host">Host name or IP literal (without brackets).</param>
    /// <param name="port">TCP port; 0 lets the OS choose where a listener is meant.</param>
    public HostPort(string host, int port)
    {
        Host = host;
        Port = port;
    }

    /// <summary>Host name or IP literal (without brackets).</summary>
    public string Host { get; }

    /// <summary>TCP port; 0 lets the OS choose where a listener is meant.</summary>
    public int Port { get; internal init; }

    /// <summary>Equal pairs have the same host (compared ordinally, as written) and the same port.</summary>
    public static bool operator ==(HostPort left, HostPort right) => left.Equals(right);

    /// <summary>True when the hosts (compared ordinally) or the ports differ.</summary>
    public static bool operator !=(HostPort left, HostPort right) => !left.Equals(right);

    /// <summary>Parses <c>host:port</c> or <c>[v6]:port</c>.</summary>
    /// <exception cref="FormatException">The text is not a host and a port from 0 to 65535; the message says which part is wrong.</exception>
    public static HostPort Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        int colon;
        string host;
        if (trimmed.StartsWith('['))
        {
            // [v6]:port — the colon that separates the port comes right after the closing bracket.
            int close = trimmed.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 2 >= trimmed.Length || trimmed[close + 1] != ':')
            {
                throw new FormatException($"'{text}' is not host:port (for example 127.0.0.1:9092, or [::1]:9092 for IPv6).");
            }

            colon = close + 1;
            host = trimmed[1..close];
        }
        else
        {
            colon = trimmed.LastIndexOf(':');
            if (colon <= 0 || colon == trimmed.Length - 1)
            {
                throw new FormatException($"'{text}' is not host:port (for example 127.0.0.1:9092, or [::1]:9092 for IPv6).");
            }

            host = trimmed[..colon];
            if (host.Contains(':', StringComparison.Ordinal))
            {
                throw new FormatException($"'{text}': write IPv6 addresses in brackets, as [::1]:9092.");
            }
        }

        if (host.Trim().Length == 0)
        {
            throw new FormatException($"'{text}' has an empty host.");
        }

        if (!int.TryParse(trimmed.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            throw new FormatException($"'{text}' has port '{trimmed[(colon + 1)..]}'; a port is a number from 0 to 65535.");
        }

        return new HostPort(host, port);
    }

    /// <summary><c>host:port</c>, with IPv6 literals in brackets.</summary>
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <inheritdoc/>
    public bool Equals(HostPort other) => string.Equals(Host, other.Host, StringComparison.Ordinal) && Port == other.Port;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is HostPort other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Host, Port);
}
