using System.Globalization;

namespace KafkaProxy.Load;

/// <summary>
/// The flags of <c>kafkaproxy-load run</c> (defaults make the whole run take about 5 minutes on 2 cores) and of
/// <c>kafkaproxy-load compare</c>.
/// </summary>
internal sealed class LoadSettings
{
    public const string HelpText = """
        Usage: kafkaproxy-load run [flags]       direct vs proxied: every scenario, the gateway, idle connections
               kafkaproxy-load compare [flags]   proxy builds and settings side by side: the proxy's CPU and allocations
                                                 per request over each run's steady window, in interleaved rounds
               kafkaproxy-load spool [flags]     the HTTP gateway with its disk spool against memory mode, 1, 8 and 64
                                                 clients, interleaved rounds, medians (writes <output>/spool.md; uses
                                                 --duration, --rounds, --output, --command)
               kafkaproxy-load floor [flags]     the floor of added latency: latency-ApiVersions direct, through kafka-proxy,
                                                 socat and a minimal blocking forwarder (floor-forwarder), each forwarding
                                                 one port to broker 1, interleaved rounds, medians (writes <output>/floor.md;
                                                 uses --proxy, --proxy-env, --rounds, --pings, --scenarios latency, --output,
                                                 --command; needs socat)
          --proxy <path>          the kafka-proxy executable (default: samples/KafkaProxy.ConsoleHost/bin/Release/net10.0/kafka-proxy)
          --output <dir>          where latest.md, latest.svg and latest.json go (default: bench/results); the
                                  cluster and proxy logs go to <dir>/raw
          --duration <seconds>    how long each produce measurement runs (default 5)
          --rounds <n>            rounds of each scenario, every side once per round, the order reversed every other round
                                  (run: direct, proxied / proxied, direct / ...; compare: every proxy in turn); figures are
                                  medians of the rounds, ratios medians of the per-round ratios (default 3)
          --pings <n>             round trips per latency measurement (default 20000)
          --connections <n,n>     idle connection counts for the scale test (default 1000,9500)
          --proxy-env <NAME=value>  an environment variable for the proxy process (repeatable), e.g. a runtime knob
          --scenarios <a,b>       run only the scenarios whose ids start with these (e.g. latency,produce-100B-batch1);
                                  the idle-connection test runs when "connections" is among them
          --quick                 a smoke run: 2 rounds, 2 s, 2000 pings, 200 connections
          --command <text>        the command line to record in latest.md (bench/run.sh passes its own)
        compare only (results in <output>/compare.md; default scenarios produce-100B-batch1,produce-1024B,latency-ApiVersions):
          --baseline-proxy <path> another kafka-proxy build measured beside --proxy (e.g. an older commit's publish)
          --variant <name>=<flags>  the --proxy build once more, with extra server flags split at spaces (repeatable), e.g.
                                  "policy=--policy-require-acks all --policy-allowed-compression none,lz4"
          --syscalls              count each proxy's system calls over the steady windows (perf stat on the syscall
                                  tracepoints; needs perf and root). The tracepoints add kernel time to every call, so
                                  run it apart from the CPU comparison
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

    /// <summary>compare: another build of kafka-proxy, measured beside <see cref="ProxyPath"/>; null: none.</summary>
    public string? BaselineProxyPath { get; private set; }

    /// <summary>compare: count the proxies' system calls over the steady windows.</summary>
    public bool CountSyscalls { get; private set; }

    /// <summary>compare: <see cref="ProxyPath"/> again under a name, with extra server flags.</summary>
    public IReadOnlyList<(string Name, IReadOnlyList<string> Arguments)> Variants => _variants;

    private readonly List<string> _proxyEnvironment = [];
    private readonly List<(string Name, IReadOnlyList<string> Arguments)> _variants = [];

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
                    settings.Rounds = 2;
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
                case "--baseline-proxy":
                    settings.BaselineProxyPath = Path.GetFullPath(Value());
                    break;
                case "--syscalls":
                    settings.CountSyscalls = true;
                    break;
                case "--variant":
                    var variant = ParseVariant(Value());
                    settings._variants.Add(settings._variants.TrueForAll(v => v.Name != variant.Name)
                        ? variant
                        : throw new ArgumentException($"--variant {variant.Name} is given twice."));
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

    private static (string Name, IReadOnlyList<string> Arguments) ParseVariant(string value)
    {
        int equals = value.IndexOf('=', StringComparison.Ordinal);
        string name = equals > 0 ? value[..equals].Trim() : string.Empty;
        if (name.Length == 0 || name is "current" or "baseline" || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"--variant takes <name>=<flags> with a name of letters, digits, - and _ other than current and baseline, not '{value}'.");
        }

        return (name, value[(equals + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
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
