namespace KafkaProxy.Core.Security;

/// <summary>Parses a SCRAM message, "a=value,b=value" (RFC 5802 section 5), into its attributes; values may contain '='.</summary>
internal static class ScramAttributes
{
    public static Dictionary<char, string> Parse(string message)
    {
        var attributes = new Dictionary<char, string>();
        foreach (string part in message.Split(','))
        {
            if (part.Length >= 2 && part[1] == '=')
            {
                attributes.TryAdd(part[0], part[2..]);
            }
        }

        return attributes;
    }
}
