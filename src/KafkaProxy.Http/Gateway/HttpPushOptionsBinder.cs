using KafkaProxy.Core.Configuration.Binding;
using Microsoft.Extensions.Configuration;

namespace KafkaProxy.Http.Gateway;

/// <summary>Binds <see cref="HttpPushOptions"/> from a configuration section (conventionally <c>KafkaProxy:HttpPush</c>).</summary>
internal static class HttpPushOptionsBinder
{
    /// <summary>Binds <paramref name="section"/> onto <paramref name="options"/>; problems go to the validator.</summary>
    public static void Bind(IConfiguration section, HttpPushOptions options)
    {
        var reader = new SectionReader(section, options.ConfigurationProblems);
        Read(reader, options);
        reader.ReportUnknownKeys();
    }

    /// <summary>Every setting's key relative to the section.</summary>
    public static IReadOnlyList<string> Keys()
    {
        var reader = new SectionReader(new ConfigurationBuilder().Build(), new List<string>());
        Read(reader, new HttpPushOptions());
        return reader.Declared;
    }

    private static void Read(SectionReader r, HttpPushOptions o)
    {
        if (r.Text("Token") is { } token)
        {
            o.Token = token;
        }

        o.MaxMessageBytes = r.Int("MaxMessageBytes") ?? o.MaxMessageBytes;
        o.MaxRequestBytes = r.Long("MaxRequestBytes") ?? o.MaxRequestBytes;
        o.MaxInProgressBytes = r.Long("MaxInProgressBytes") ?? o.MaxInProgressBytes;
        o.RetryAfter = r.Duration("RetryAfter") ?? o.RetryAfter;
        o.WaitTimeout = r.Duration("WaitTimeout") ?? o.WaitTimeout;
    }
}
