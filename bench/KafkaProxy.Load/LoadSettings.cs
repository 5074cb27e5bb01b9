using System.Globalization;

namespace KafkaProxy.Load;

/// <summary>The flags of <c>kafkaproxy-load run</c>. Defaults make the whole run take about 4 minutes on 2 cores.</summary>
internal sealed class LoadSettings
{
    public const string HelpText = """
        Usage: kafkaproxy-load run [flags]
          --proxy <path>          the kafka-proxy executable (default: samples/KafkaProxy.ConsoleHost/bin/Release/net10.0/kafka-proxy)
          --output <dir>          where latest.md, latest.svg and latest.json go (default: bench/results); the
                                  cluster and proxy logs go to <dir>/raw
          --duration <seconds>    how long each produce measurement runs (default 5)
          --rounds <n>            direct, proxied, direct, proxied...: rounds of each comparison; the best round counts (default 3)
          --pings <n>             round trips per latency measurement (default 20000)
          --connections <n,n>     idle connection counts for the scale test (default 1000,9500)
          --proxy-env <NAME=value>  an environment variable for the proxy process (repeatable), e.g. a runtime knob
          --scenarios <a,b>       run only the scenarios whose ids start with these (e.g. latency,produce-100B-batch1);
                                  the idle-connection test runs when "connections" is among them
          --quick                 a smoke run: 1 round, 2 s, 2000 pings, 200 connections
          --command <text>        the command line to record in latest.md (bench/run.sh passes its own)
        """;

    public string RepositoryRoot { get; private set; } = FindRepositoryRoot();

    public string ProxyPath { get; private set; } = string.Empty;

    /// <summary>The Release build of the HTTP gateway host.</summary>
    public string GatewayPath { get; private set; } = string.Empty;

    public string OutputDirectory { get; private set; } = string.Empty;

    /// <summary>The child processes' output goes here (git-ignored).</summary>
    public string LogDirectory => Path.Combine(OutputDirectory, "raw");

    public TimeSpan ProduceDuration { get; private set; } = TimeSpan.FromSeconds(5);

    public int Rounds { get; private set; } = 3;

    public int Pings { get; private set; } = 20_000;

    public IReadOnlyList<int> ConnectionCounts { get; private set; } = [1000, 9500];

    public string Command { get; private set; } = "kafkaproxy-load run";

    public bool HelpRequested { get; private set; }

    /// <summary>Id prefixes of the scenarios to run; empty means all.</summary>
    public IReadOnlyList<string> ScenarioFilter { get; private set; } = [];

    public bool Includes(string id) => ScenarioFilter.Count == 0 || ScenarioFilter.Any(p => id.StartsWith(p, StringComparison.Ordinal));

    public IReadOnlyList<string> ProxyEnvironment => _proxyEnvironment;

    private readonly List<string> _proxyEnvironment = [];

    /// <exception cref="ArgumentException">A flag is unknown or its value is malformed; the message names it.</exception>
    public static LoadSettings Parse(IReadOnlyList<string> args)
    {
        var settings = new LoadSettings();
        settings.ProxyPath = Path.Combine(settings.RepositoryRoot, "samples/KafkaProxy.ConsoleHost/bin/Release/net10.0/kafka-proxy");
        settings.GatewayPath = Path.Combine(settings.RepositoryRoot, "samples/KafkaProxy.WebHost/bin/Release/net10.0/KafkaProxy.WebHost");
        settings.OutputDirectory = Path.Combine(settings.RepositoryRoot, "bench/results");
        for (int i = 0; i < args.Count; i++)
        {
            string flag = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{flag} needs a value.");
            switch (flag)
            {
                case "--proxy":
                    settings.ProxyPath = Path.GetFullPath(Value());
                    break;
                case "--output":
                    settings.OutputDirectory = Path.GetFullPath(Value());
                    break;
                case "--duration":
                    settings.ProduceDuration = TimeSpan.FromSeconds(Positive(flag, Value()));
                    break;
                case "--rounds":
                    settings.Rounds = Positive(flag, Value());
                    break;
                case "--pings":
                    settings.Pings = Positive(flag, Value());
                    break;
                case "--connections":
                    string list = Value();
                    settings.ConnectionCounts = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(v => Positive(flag, v)).ToList();
                    break;
                case "--quick":
                    settings.Rounds = 1;
                    settings.ProduceDuration = TimeSpan.FromSeconds(2);
                    settings.Pings = 2000;
                    settings.ConnectionCounts = [200];
                    break;
                case "--proxy-env":
                    string variable = Value();
                    settings._proxyEnvironment.Add(variable.IndexOf('=', StringComparison.Ordinal) > 0
                        ? variable
                        : throw new ArgumentException($"--proxy-env takes NAME=value, not '{variable}'."));
                    break;
                case "--scenarios":
                    settings.ScenarioFilter = Value().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                    break;
                case "--command":
                    settings.Command = Value();
                    break;
                case "-h" or "--help":
                    settings.HelpRequested = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown flag {flag}.");
            }
        }

        return settings;
    }

    private static int Positive(string flag, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number > 0
            ? number
            : throw new ArgumentException($"{flag} takes a positive whole number, not '{value}'.");

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "KafkaProxy.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
