using System.CommandLine;
using System.CommandLine.Parsing;

namespace KafkaProxy.ConsoleHost.CommandLine;

/// <summary>
/// System.CommandLine set up to read flags as Go's flag package does: <c>--flag value</c> and <c>--flag=value</c>; switches
/// as <c>--flag</c> or <c>--flag=false</c>; given twice, the last occurrence wins. No response files, option bundling or
/// directives, which Go command lines do not have.
/// </summary>
internal static class GoStyleFlags
{
    private static readonly ParserConfiguration Configuration = new() { EnablePosixBundling = false, ResponseFileTokenReplacer = null };

    /// <summary>A flag that takes a value; every occurrence takes exactly one.</summary>
    public static Option<string[]> Value(string name, string valueName, string? description = null) =>
        new(name) { HelpName = valueName, Description = description, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };

    /// <summary>A switch. It consumes a following <c>true</c> or <c>false</c> only, so <c>--tls-enable stray</c> leaves <c>stray</c> unmatched.</summary>
    public static Option<bool> Switch(string name, string? description = null, params string[] aliases) =>
        new(name, aliases)
        {
            Description = description,
            // Several occurrences are allowed (the last wins, see SwitchValue); this parser only satisfies the conversion.
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
            CustomParser = result => result.Tokens.Count == 0 || bool.Parse(result.Tokens[^1].Value),
        };

    /// <summary>
    /// Parses <paramref name="args"/> (the arguments after the command's name) for <paramref name="command"/>. It is parsed as a
    /// subcommand so that an argument equal to the command's name is an unexpected argument, not the command again.
    /// </summary>
    public static ParseResult Parse(Command command, IReadOnlyList<string> args)
    {
        var root = new Command("kafka-proxy") { Subcommands = { command } };
        return root.Parse([command.Name, .. args], Configuration);
    }

    /// <summary>The values given to a flag, in command-line order; null when the flag is absent, empty when it has no value.</summary>
    public static IReadOnlyList<string>? Values(ParseResult parsed, Option<string[]> option) =>
        parsed.GetResult(option) is { } result ? [.. result.Tokens.Select(t => t.Value)] : null;

    /// <summary>The value of a switch at its last occurrence (<c>--tls-enable=false --tls-enable</c> is on), or null when absent.</summary>
    public static bool? SwitchValue(ParseResult parsed, Option<bool> option)
    {
        bool? value = null;
        var tokens = parsed.Tokens;
        for (int i = 0; i < tokens.Count; i++)
        {
            if (IsOccurrence(tokens[i], option))
            {
                value = i + 1 < tokens.Count && tokens[i + 1].Type == TokenType.Argument && bool.TryParse(tokens[i + 1].Value, out bool given) ? given : true;
            }
        }

        return value;
    }

    /// <summary>
    /// A message for the first argument nothing took, or null when every argument was used. Later ones are not reported:
    /// after an unknown flag it is unclear which arguments were its values.
    /// </summary>
    public static string? Unmatched(ParseResult parsed, IEnumerable<Option<bool>> switches, string seeHelp)
    {
        if (parsed.UnmatchedTokens is not [var first, ..])
        {
            return null;
        }

        if (first.StartsWith("--", StringComparison.Ordinal))
        {
            return $"Unknown flag {first.Split('=', 2)[0]}. {seeHelp}";
        }

        var tokens = parsed.Tokens;
        for (int i = 0; i + 1 < tokens.Count; i++)
        {
            if (tokens[i + 1].Value == first && switches.FirstOrDefault(s => IsOccurrence(tokens[i], s)) is { } option)
            {
                return $"{option.Name} takes true or false, not '{first}'.";
            }
        }

        return $"Unexpected argument '{first}': flags start with --. {seeHelp}";
    }

    private static bool IsOccurrence(Token token, Option option) =>
        token.Type == TokenType.Option && (token.Value == option.Name || option.Aliases.Contains(token.Value));
}
