using System.Globalization;
using System.Text;

namespace KafkaProxy.Core.Configuration.CommandLine;

/// <summary>
/// The flags of <c>kafka-proxy server</c>, named after the Go kafka-proxy's so that existing command lines keep working.
/// Parsing fails fast, with a message naming the flag, on an unknown flag, a missing value or a malformed one.
/// </summary>
public sealed class ServerCommandLine
{
    private static readonly ServerFlag[] Flags =
    [
        new("bootstrap-server-mapping", "broker:port,local:port[,advertised:port]", "Listen on local:port for broker:port; clients are told advertised:port (default: local:port). Repeatable.",
            (c, v) => c.Configure(o => o.Brokers.Add(BrokerMapping.Parse(v)))),
        new("external-server-mapping", "broker:port,external:port", "Advertise external:port for broker:port without starting a listener (it runs elsewhere). Repeatable.",
            (c, v) => c.Configure(o => o.ExternalServers.Add(AddressMapping.Parse(v)))),
        new("dial-address-mapping", "broker:port,dial:port", "Connect to dial:port whenever broker:port is the destination. Repeatable.",
            (c, v) => c.Configure(o => o.DialAddresses.Add(AddressMapping.Parse(v)))),
        new("default-listener-ip", "ip", "Address dynamic listeners bind to (default 127.0.0.1; the Go proxy binds 0.0.0.0). A proxy that adds credentials must not be open to the network by accident.",
            (c, v) => c.Configure(o => o.DynamicListeners.BindAddress = v)),
        new("dynamic-advertised-listener", "host", "Host that dynamic listeners advertise (default: --default-listener-ip).",
            (c, v) => c.Configure(o => o.DynamicListeners.AdvertisedHost = v)),
        new("dynamic-listeners-disable", null, "Do not start listeners for brokers discovered in responses; an unmapped broker is then an error in the log.",
            (c, _) => c.Configure(o => o.DynamicListeners.Enabled = false)),
        new("dynamic-sequential-min-port", "port", "Give dynamic listeners ports from this one upward (default 0: random ports).",
            (c, v) => c.Configure(o => o.DynamicListeners.SequentialMinPort = Int(v))),
        new("deterministic-listeners", null, "Dynamic listener port = --dynamic-sequential-min-port + broker id, stable across restarts.",
            (c, _) => c.Configure(o => o.DynamicListeners.Deterministic = true)),
        new("proxy-listener-read-buffer-size", "bytes", "SO_RCVBUF of client connections (default 0: OS default).",
            (c, v) => c.Configure(o => o.ListenerSockets.ReceiveBufferSize = Int(v))),
        new("proxy-listener-write-buffer-size", "bytes", "SO_SNDBUF of client connections (default 0: OS default).",
            (c, v) => c.Configure(o => o.ListenerSockets.SendBufferSize = Int(v))),
        new("proxy-listener-keep-alive", "duration", "TCP keep-alive of client connections (default 60s; 0 turns it off).",
            (c, v) => c.Configure(o => o.ListenerSockets.KeepAlive = GoDuration.Parse(v))),
        new("kafka-connection-read-buffer-size", "bytes", "SO_RCVBUF of broker connections (default 0: OS default).",
            (c, v) => c.Configure(o => o.UpstreamSockets.ReceiveBufferSize = Int(v))),
        new("kafka-connection-write-buffer-size", "bytes", "SO_SNDBUF of broker connections (default 0: OS default).",
            (c, v) => c.Configure(o => o.UpstreamSockets.SendBufferSize = Int(v))),
        new("kafka-keep-alive", "duration", "TCP keep-alive of broker connections (default 60s; 0 turns it off).",
            (c, v) => c.Configure(o => o.UpstreamSockets.KeepAlive = GoDuration.Parse(v))),
        new("kafka-max-open-requests", "count", "Requests a client may have in flight on one connection (default 1024); beyond it the proxy reads no more from that client until a response arrives.",
            (c, v) => c.Configure(o => o.MaxInFlightRequests = Int(v))),
        new("kafka-dial-timeout", "duration", "How long connecting to a broker may take (default 15s).",
            (c, v) => c.Configure(o => o.DialTimeout = GoDuration.Parse(v))),
        new("kafka-read-timeout", "duration", "Close a connection whose broker sends nothing for this long while requests wait (default 0: off). Keep it above the longest rebalance.",
            (c, v) => c.Configure(o => o.UpstreamReadTimeout = GoDuration.Parse(v))),
        new("kafka-write-timeout", "duration", "Close a connection whose peer stops reading for this long (default 30s).",
            (c, v) => c.Configure(o => o.WriteTimeout = GoDuration.Parse(v))),
        new("max-frame-size", "bytes", "Largest request or response frame (default 104857600); a larger one closes its connection.",
            (c, v) => c.Configure(o => o.MaxFrameSize = Int(v))),
        new("max-connections", "count", "Client connections open at once (default 10000); more are refused.",
            (c, v) => c.Configure(o => o.MaxConnections = Int(v))),
        new("idle-timeout", "duration", "Close connections idle this long in both directions (default 10m; 0 turns it off).",
            (c, v) => c.Configure(o => o.IdleTimeout = GoDuration.Parse(v))),
        new("drain-timeout", "duration", "On SIGTERM/SIGINT, how long in-flight requests may take to be answered before connections close (default 30s).",
            (c, v) => c.Configure(o => o.DrainTimeout = GoDuration.Parse(v))),
        new("proxy-listener-tls-enable", null, "Clients must connect with TLS (1.2 or later), on every listener.",
            (c, _) => c.Configure(o => o.ClientTls.Enabled = true)),
        new("proxy-listener-cert-file", "file", "PEM file of the proxy's server certificate (and its chain).",
            (c, v) => c.Configure(o => o.ClientTls.CertFile = v)),
        new("proxy-listener-key-file", "file", "PEM file of the server certificate's private key.",
            (c, v) => c.Configure(o => o.ClientTls.KeyFile = v)),
        new("proxy-listener-key-password", "password", "Password of an encrypted server key (default: the PROXY_LISTENER_KEY_PASSWORD environment variable).",
            (c, v) => c.Configure(o => o.ClientTls.KeyPassword = v)),
        new("proxy-listener-ca-chain-cert-file", "file", "PEM file of the CAs that sign client certificates; when given, every client must present one (mutual TLS).",
            (c, v) => c.Configure(o => o.ClientTls.ClientCaChainCertFile = v)),
        new("tls-enable", null, "Connect to the brokers with TLS (1.2 or later).",
            (c, _) => c.Configure(o => o.UpstreamTls.Enabled = true)),
        new("tls-ca-chain-cert-file", "file", "PEM file of the CAs that sign the brokers' certificates (default: the system trust store).",
            (c, v) => c.Configure(o => o.UpstreamTls.CaChainCertFile = v)),
        new("tls-system-cert-pool", null, "Trust the system's CAs as well as --tls-ca-chain-cert-file.",
            (c, _) => c.Configure(o => o.UpstreamTls.UseSystemTrustStore = true)),
        new("tls-client-cert-file", "file", "PEM file of the proxy's client certificate, for brokers that require mutual TLS.",
            (c, v) => c.Configure(o => o.UpstreamTls.ClientCertFile = v)),
        new("tls-client-key-file", "file", "PEM file of the client certificate's private key (PKCS#8 or PKCS#1; encrypted PKCS#8 with --tls-client-key-password).",
            (c, v) => c.Configure(o => o.UpstreamTls.ClientKeyFile = v)),
        new("tls-client-key-password", "password", "Password of the encrypted client key (default: the TLS_CLIENT_KEY_PASSWORD environment variable, which keeps it out of the process list).",
            (c, v) => c.Configure(o => o.UpstreamTls.ClientKeyPassword = v)),
        new("tls-server-name", "name", "Name sent as SNI and checked against every broker's certificate (default: the broker's advertised host).",
            (c, v) => c.Configure(o => o.UpstreamTls.ServerName = v)),
        new("tls-insecure-skip-verify", null, "Do not verify broker certificates. Tests only: anyone on the path can then read the traffic.",
            (c, _) => c.Configure(o => o.UpstreamTls.InsecureSkipVerify = true)),
        new("sasl-enable", null, "Authenticate every broker connection with SASL before forwarding the client's frames.",
            (c, _) => c.Configure(o => o.UpstreamSasl.Enabled = true)),
        new("sasl-method", "mechanism", "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (default PLAIN).",
            (c, v) => c.Configure(o => o.UpstreamSasl.Mechanism = OneOf(v, [.. SaslMechanismNames.All]).ToUpperInvariant())),
        new("sasl-username", "user", "SASL user.",
            (c, v) => c.Configure(o => o.UpstreamSasl.Username = v)),
        new("sasl-password", "password", "SASL password (default: the SASL_PASSWORD environment variable, which keeps it out of the process list).",
            (c, v) => c.Configure(o => o.UpstreamSasl.Password = v)),
        new("sasl-jaas-config-file", "file", "JAAS file with username=\"...\" and password=\"...\"; overrides --sasl-username and --sasl-password.",
            (c, v) => c.Configure(o => o.UpstreamSasl.JaasConfigFile = v)),
        new("sasl-handshake-version", "0|1", "SaslHandshake version: 1 (default, Kafka 2.2+; allows re-authentication) or 0 (raw tokens, older brokers).",
            (c, v) => c.Configure(o => o.UpstreamSasl.HandshakeVersion = (short)Int(v))),
        new("auth-local-enable", null, "Clients must authenticate at the proxy with SASL before any request reaches a broker (needs --auth-local-credentials-file).",
            (c, _) => c.Configure(o => o.ClientAuth.Enabled = true)),
        new("auth-local-credentials-file", "file", "Users clients authenticate as: user:SCRAM-SHA-512:salt=...,stored_key=...,server_key=...,iterations=... lines made by 'kafka-proxy credentials'. Re-read when it changes.",
            (c, v) => c.Configure(o => o.ClientAuth.CredentialsFile = v)),
        new("auth-local-mechanism", "mechanisms", "SASL mechanisms offered to clients, comma-separated (default PLAIN,SCRAM-SHA-256,SCRAM-SHA-512). Offer PLAIN only with --proxy-listener-tls-enable or on a trusted host.",
            (c, v) => c.Configure(o => SetMechanisms(o.ClientAuth.Mechanisms, v))),
        new("auth-local-timeout", "duration", "How long a client may take to authenticate (default 10s).",
            (c, v) => c.Configure(o => o.ClientAuth.Timeout = GoDuration.Parse(v))),
        new("auth-local-command", "file", "Not supported: the Go proxy's authentication plugins. Use --auth-local-credentials-file.",
            (_, _) => throw new FormatException("authentication plugins are not supported; give the users in --auth-local-credentials-file (lines made by 'kafka-proxy credentials').")),
        new("forbidden-api-keys", "keys", "Api keys clients may not send, comma-separated (e.g. 19,20 for CreateTopics and DeleteTopics); such a request closes its connection. Repeatable.",
            (c, v) => c.Configure(o => o.ForbiddenApiKeys.UnionWith(ApiKeys(v)))),
        new("http-listen-address", "host:port", "Where /health, /ready and /metrics are served (default 127.0.0.1:9080; use 0.0.0.0:9080 for Kubernetes probes).",
            (c, v) => c.HttpListenAddress = HostPort.Parse(v)),
        new("http-health-path", "path", "Liveness path (default /health).", (c, v) => c.HttpHealthPath = Path(v)),
        new("http-ready-path", "path", "Readiness path: listeners bound and a broker reachable (default /ready).", (c, v) => c.HttpReadyPath = Path(v)),
        new("http-metrics-path", "path", "Prometheus metrics path (default /metrics).", (c, v) => c.HttpMetricsPath = Path(v)),
        new("http-disable", null, "Serve no HTTP endpoints.", (c, _) => c.HttpDisabled = true),
        new("log-level", "level", "trace, debug, info, warn or error (default info).",
            (c, v) => c.LogLevel = OneOf(v, "trace", "debug", "info", "warn", "error")),
        new("log-format", "format", "text or json (one JSON object per line) (default text).",
            (c, v) => c.LogFormat = OneOf(v, "text", "json")),
        new("help", null, "Show this help.", (c, _) => c.HelpRequested = true),
    ];

    private readonly List<Action<KafkaProxyOptions>> _configure = [];

    private ServerCommandLine()
    {
    }

    /// <summary>True when <c>--help</c> (or <c>-h</c>) was given.</summary>
    public bool HelpRequested { get; private set; }

    /// <summary>The log level named by <c>--log-level</c>.</summary>
    public string LogLevel { get; private set; } = "info";

    /// <summary>The log format named by <c>--log-format</c>.</summary>
    public string LogFormat { get; private set; } = "text";

    /// <summary>Where the HTTP endpoints listen (<c>--http-listen-address</c>).</summary>
    public HostPort HttpListenAddress { get; private set; } = new("127.0.0.1", 9080);

    /// <summary>The liveness path (<c>--http-health-path</c>).</summary>
    public string HttpHealthPath { get; private set; } = "/health";

    /// <summary>The readiness path (<c>--http-ready-path</c>).</summary>
    public string HttpReadyPath { get; private set; } = "/ready";

    /// <summary>The Prometheus metrics path (<c>--http-metrics-path</c>).</summary>
    public string HttpMetricsPath { get; private set; } = "/metrics";

    /// <summary>True when <c>--http-disable</c> was given.</summary>
    public bool HttpDisabled { get; private set; }

    /// <summary>True when at least one <c>--bootstrap-server-mapping</c> was given.</summary>
    public bool HasBrokerMappings { get; private set; }

    /// <summary>Parses the arguments after <c>server</c>; passwords not given as flags come from the process environment.</summary>
    /// <exception cref="CommandLineException">A flag is unknown, lacks its value, or has a malformed one.</exception>
    public static ServerCommandLine Parse(IReadOnlyList<string> args) => Parse(args, Environment.GetEnvironmentVariable);

    /// <summary>
    /// Parses the arguments after <c>server</c>. <paramref name="environment"/> supplies SASL_PASSWORD,
    /// TLS_CLIENT_KEY_PASSWORD and PROXY_LISTENER_KEY_PASSWORD, used when the matching flag is not given (as the Go kafka-proxy does).
    /// </summary>
    /// <exception cref="CommandLineException">A flag is unknown, lacks its value, or has a malformed one.</exception>
    public static ServerCommandLine Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var line = new ServerCommandLine();
        if (environment("SASL_PASSWORD") is { Length: > 0 } saslPassword)
        {
            line.Configure(o => o.UpstreamSasl.Password = saslPassword);
        }

        if (environment("TLS_CLIENT_KEY_PASSWORD") is { Length: > 0 } keyPassword)
        {
            line.Configure(o => o.UpstreamTls.ClientKeyPassword = keyPassword);
        }

        if (environment("PROXY_LISTENER_KEY_PASSWORD") is { Length: > 0 } listenerKeyPassword)
        {
            line.Configure(o => o.ClientTls.KeyPassword = listenerKeyPassword);
        }

        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "-h")
            {
                line.HelpRequested = true;
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new CommandLineException($"Unexpected argument '{arg}': flags start with --. Run 'kafka-proxy server --help' for the list.");
            }

            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            string name = equals > 0 ? arg[2..equals] : arg[2..];
            var flag = Array.Find(Flags, f => f.Name == name)
                ?? throw new CommandLineException($"Unknown flag --{name}. Run 'kafka-proxy server --help' for the list.");
            string value;
            if (flag.IsSwitch)
            {
                value = equals > 0 ? arg[(equals + 1)..] : "true";
                if (!bool.TryParse(value, out bool on))
                {
                    throw new CommandLineException($"--{name} takes true or false, not '{value}'.");
                }

                if (!on)
                {
                    continue;
                }
            }
            else if (equals > 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new CommandLineException($"--{name} needs a value: --{name} <{flag.ValueName}>.");
            }

            try
            {
                flag.Apply(line, value);
            }
            catch (FormatException ex)
            {
                throw new CommandLineException($"--{name}: {ex.Message}");
            }

            line.HasBrokerMappings |= name == "bootstrap-server-mapping";
        }

        return line;
    }

    /// <summary>Applies every parsed setting to <paramref name="options"/>, in command-line order.</summary>
    public void ApplyTo(KafkaProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var configure in _configure)
        {
            configure(options);
        }
    }

    /// <summary>The help text of <c>kafka-proxy server</c>.</summary>
    public static string HelpText
    {
        get
        {
            var text = new StringBuilder();
            text.AppendLine("Usage: kafka-proxy server [flags]");
            text.AppendLine();
            text.AppendLine("Runs a Kafka protocol proxy: a local listener per broker, broker addresses in responses rewritten to the");
            text.AppendLine("proxy's. Without --bootstrap-server-mapping it starts an embedded 3-broker test cluster to try it on.");
            text.AppendLine("All listeners bind to 127.0.0.1 unless told otherwise.");
            text.AppendLine();
            text.AppendLine("Flags:");
            foreach (var flag in Flags)
            {
                string head = flag.IsSwitch ? $"--{flag.Name}" : $"--{flag.Name} <{flag.ValueName}>";
                text.Append(CultureInfo.InvariantCulture, $"  {head}").AppendLine();
                text.Append(CultureInfo.InvariantCulture, $"      {flag.Help}").AppendLine();
            }

            return text.ToString();
        }
    }

    private void Configure(Action<KafkaProxyOptions> configure)
    {
        // Parse now, apply later: a malformed value fails while the command line is read.
        configure(new KafkaProxyOptions());
        _configure.Add(configure);
    }

    private static int Int(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed)
            ? parsed
            : throw new FormatException($"'{value}' is not a whole number.");

    private static IEnumerable<short> ApiKeys(string value) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(k =>
            short.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out short key)
                ? key
                : throw new FormatException($"'{k}' is not an api key: give numbers from 0 to 32767, comma-separated, such as 19,20."));

    private static void SetMechanisms(ICollection<string> mechanisms, string value)
    {
        var named = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(m => OneOf(m, [.. SaslMechanismNames.All]).ToUpperInvariant())
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (named.Count == 0)
        {
            throw new FormatException($"give one or more of {string.Join(", ", SaslMechanismNames.All)}, comma-separated.");
        }

        mechanisms.Clear();
        foreach (string mechanism in named)
        {
            mechanisms.Add(mechanism);
        }
    }

    private static string Path(string value) =>
        value.StartsWith('/') && !value.Contains(' ', StringComparison.Ordinal) ? value : throw new FormatException($"'{value}' is not a path: it must start with / and have no spaces.");

    private static string OneOf(string value, params string[] allowed) =>
        allowed.Contains(value, StringComparer.OrdinalIgnoreCase)
            ? value.ToLowerInvariant()
            : throw new FormatException($"'{value}' is not one of {string.Join(", ", allowed)}.");
}
