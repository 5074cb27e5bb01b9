namespace KafkaProxy.Core.Security.ClientAuth;

/// <summary>
/// Client-chosen text (user names, mechanism names) as it may enter a log line: quoted, at most 128 characters, with
/// control characters replaced, so that a client can neither forge log lines nor flood the log.
/// </summary>
internal static class LogText
{
    private const int MaxLength = 128;

    public static string Quote(string text)
    {
        string shown = text.Length > MaxLength ? text[..MaxLength] + "…" : text;
        return "'" + string.Create(shown.Length, shown, static (span, source) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        }) + "'";
    }
}
