namespace KafkaProxy.Core.Configuration;

/// <summary>
/// Names a setting in messages by its configuration key (<c>KafkaProxy:ClientAuth:Timeout</c>), under the section the
/// options were bound from, or under <c>KafkaProxy</c> when they were set in code.
/// </summary>
internal readonly struct SettingKey(string? section)
{
    /// <summary>The section messages name when options were not bound from configuration.</summary>
    public const string DefaultSection = "KafkaProxy";

    public string this[string setting] => (section ?? DefaultSection) is { Length: > 0 } s ? $"{s}:{setting}" : setting;
}
