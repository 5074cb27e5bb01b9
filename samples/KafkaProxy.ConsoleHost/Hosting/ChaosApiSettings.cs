using KafkaProxy.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace KafkaProxy.ConsoleHost.Hosting;

/// <summary>
/// Where the tool serves Toxiproxy's HTTP API over the proxy's listeners: the section <c>KafkaProxy:Chaos</c> (flag
/// <c>--chaos-api-address</c>). Off unless an address is given; it can take the cluster away.
/// </summary>
internal sealed class ChaosApiSettings
{
    public const string Section = "KafkaProxy:Chaos";

    private static readonly string[] Keys = ["ApiAddress"];

    /// <summary>The API's address, or null when chaos is off.</summary>
    public HostPort? ApiAddress { get; private init; }

    /// <summary>Reads the section; a wrong value, and a key that is not one of these, is a message naming it.</summary>
    public static ChaosApiSettings Read(IConfiguration configuration, List<string> errors)
    {
        var section = configuration.GetSection(Section);
        foreach (var child in section.GetChildren().Where(c => !Keys.Contains(c.Key, StringComparer.OrdinalIgnoreCase)))
        {
            errors.Add($"{child.Path} is not a setting: the settings of {Section} are {string.Join(", ", Keys)}.");
        }

        if (section["ApiAddress"] is not { Length: > 0 } text)
        {
            return new ChaosApiSettings();
        }

        try
        {
            var address = HostPort.Parse(text);
            if (address.Port == 0)
            {
                errors.Add($"{Section}:ApiAddress: '{text}' has port 0; give a fixed port (Toxiproxy's is 8474) so that clients can find the API.");
                return new ChaosApiSettings();
            }

            return new ChaosApiSettings { ApiAddress = address };
        }
        catch (FormatException ex)
        {
            errors.Add($"{Section}:ApiAddress: {ex.Message} Use for example 127.0.0.1:8474.");
            return new ChaosApiSettings();
        }
    }
}
