namespace KafkaProxy.Core.Flushing;

/// <summary>Kafka's rule for topic names: 1 to 249 characters of <c>[a-zA-Z0-9._-]</c>, and neither "." nor "..".</summary>
internal static class TopicName
{
    /// <summary>The longest topic name Kafka accepts.</summary>
    public const int MaxLength = 249;

    /// <summary>Checks <paramref name="topic"/>; on failure <paramref name="problem"/> says what is wrong with it.</summary>
    public static bool IsValid(string? topic, out string problem)
    {
        if (string.IsNullOrEmpty(topic))
        {
            problem = "the topic name is empty";
            return false;
        }

        if (topic.Length > MaxLength)
        {
            problem = $"the topic name has {topic.Length} characters; Kafka allows at most {MaxLength}";
            return false;
        }

        if (topic is "." or "..")
        {
            problem = $"'{topic}' is not a valid topic name";
            return false;
        }

        foreach (char c in topic)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                problem = $"the topic name contains '{(char.IsControl(c) ? "\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture) : c)}'; Kafka allows only letters, digits, '.', '_' and '-'";
                return false;
            }
        }

        problem = "";
        return true;
    }
}
