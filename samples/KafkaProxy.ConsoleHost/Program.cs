using KafkaProxy.ConsoleHost.CommandLine;
using KafkaProxy.ConsoleHost.Hosting;
using KafkaProxy.Core.Proxy;
using KafkaProxy.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

// kafka-proxy: a composition root. appsettings.json < environment < flags → the KafkaProxy section → AddKafkaProxy → run
// until SIGTERM/SIGINT. With no arguments at all it runs 'server', which then starts the embedded demo cluster.
if (args.Length == 0)
{
    args = ["server"];
}

if (args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine("Usage: kafka-proxy server [flags]              run the proxy (kafka-proxy server --help lists the flags)");
    Console.WriteLine("       kafka-proxy credentials --username <u>  print credentials-file lines for a password read from stdin");
    return 0;
}

if (args[0] == "credentials")
{
    return CredentialsCommand.Run(args[1..]);
}

if (args[0] != "server")
{
    Console.Error.WriteLine($"kafka-proxy: unknown command '{args[0]}'. The commands are 'server' and 'credentials': kafka-proxy --help");
    return 2;
}

InlineSocketCompletions.PreferUnlessSet(); // before the first socket operation, which reads it
var commandLine = ServerCommandLine.Parse(args[1..], Environment.GetEnvironmentVariable);
if (commandLine.Errors.Count > 0)
{
    foreach (string error in commandLine.Errors)
    {
        Console.Error.WriteLine("kafka-proxy: " + error);
    }

    return 2;
}

if (commandLine.HelpRequested)
{
    Console.WriteLine(ServerCommandLine.HelpText);
    return 0;
}

// One list of configuration sources, so that deciding whether to serve HTTP reads what the host will read; only the
// host's copy watches the files for changes.
void AddSources(IConfigurationBuilder configuration, bool reloadOnChange)
{
    configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange);
    if (!Path.GetFullPath(Environment.CurrentDirectory).TrimEnd('/').Equals(Path.GetFullPath(AppContext.BaseDirectory).TrimEnd('/'), StringComparison.Ordinal))
    {
        configuration.AddJsonFile(Path.Combine(Environment.CurrentDirectory, "appsettings.json"), optional: true, reloadOnChange);
    }

    configuration.AddEnvironmentVariables()
        .AddInMemoryCollection(commandLine.EnvironmentSettings)
        .AddInMemoryCollection(commandLine.Settings);
}

HttpEndpointSettings http;
ChaosApiSettings chaos;
bool brokersMapped;
using (var first = new ConfigurationManager())
{
    AddSources(first, reloadOnChange: false);
    var problems = new List<string>();
    http = HttpEndpointSettings.Read(first, problems);
    chaos = ChaosApiSettings.Read(first, problems);
    if (problems.Count > 0)
    {
        return ConfigurationInvalid(problems);
    }

    // SNI routing names the cluster by its bootstrap servers instead of mappings; virtual clusters (appsettings only) name theirs.
    brokersMapped = first.GetSection("KafkaProxy:Brokers").Exists() || first.GetSection("KafkaProxy:Sni:ListenerAddress").Exists()
        || first.GetSection("KafkaProxy:Clusters").Exists();
}

await using var demoCluster = brokersMapped ? null : await KafkaTestCluster.StartAsync(brokers: 3);

// With HTTP on, the host is a web application serving /health, /ready and /metrics (and the chaos API when asked for);
// otherwise a plain host.
WebApplicationBuilder? web = http.Enabled || chaos.ApiAddress is not null ? WebApplication.CreateSlimBuilder() : null;
IHostApplicationBuilder builder = web is null ? Host.CreateApplicationBuilder() : web;
builder.Configuration.Sources.Clear();
AddSources(builder.Configuration, reloadOnChange: true);
if (demoCluster is not null)
{
    demoCluster.CreateTopic("demo", partitions: 3);
    var broker = demoCluster.Brokers[0];
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["KafkaProxy:Brokers"] = $"{broker.Host}:{broker.Port},127.0.0.1:0" });
}

var urls = new List<string>();
if (http.Enabled)
{
    urls.Add($"http://{http.ListenAddress}");
}

if (chaos.ApiAddress is { } chaosAddress)
{
    urls.Add($"http://{chaosAddress}");
}

web?.WebHost.UseUrls([.. urls]);

// Console logs: one line per event with UTC times, or JSON lines (Logging:Console:FormatterName, --log-format).
builder.Logging.ClearProviders();
builder.Logging.AddConsole();
builder.Logging.AddFilter(StartupFailureLogging.HostCategory, LogLevel.Critical); // start-up failures: one line below
builder.Services.Configure<SimpleConsoleFormatterOptions>(o => { o.SingleLine = true; o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; });
// JSON lines carry each connection's fields (ConnectionId, ClientAddress, Broker, VirtualCluster, Principal) under Scopes.
builder.Services.Configure<JsonConsoleFormatterOptions>(o => { o.UseUtcTimestamp = true; o.IncludeScopes = true; });

// Metrics and spans over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set; /metrics (below) with HTTP on.
var proxyBuilder = builder.Services.AddKafkaProxy(builder.Configuration.GetSection("KafkaProxy")).AddOtlpExport(builder.Configuration);
IHost host;
if (web is null)
{
    host = ((HostApplicationBuilder)builder).Build();
}
else
{
    proxyBuilder.AddOperationsEndpoints();
    if (chaos.ApiAddress is not null)
    {
#pragma warning disable KPX0002 // The chaos API is experimental.
        proxyBuilder.AddChaos();
#pragma warning restore KPX0002
    }

    var app = web.Build();
    if (http.Enabled)
    {
        app.MapKafkaProxyHealth(http.HealthPath, http.ReadyPath);
        app.MapKafkaProxyMetrics(http.MetricsPath);
    }

    if (chaos.ApiAddress is { } apiAddress)
    {
#pragma warning disable KPX0002
        app.MapKafkaChaosApi().RequireHost($"*:{apiAddress.Port}"); // on its own port only, never on the health port
#pragma warning restore KPX0002
    }

    host = app;
}

using var hostScope = host;

// Failures outside any connection (connections contain their own) are logged before the process ends non-zero.
UnhandledExceptionLogging.Register(host.Services.GetRequiredService<ILoggerFactory>());
try
{
    await host.StartAsync();
}
catch (OptionsValidationException ex)
{
    return ConfigurationInvalid(ex.Failures);
}
catch (Exception ex) when (ex is InvalidOperationException or IOException)
{
    StartupFailureLogging.Log(host.Services.GetRequiredService<ILoggerFactory>(), ex);
    Console.Error.WriteLine("kafka-proxy: " + ex.Message);
    return 2;
}

if (demoCluster is not null)
{
    string proxy = host.Services.GetRequiredService<ProxyEngine>().Listeners[0].Advertised.ToString();
    // With JSON logs, stdout carries only JSON lines; the banner goes to stderr.
    var banner = builder.Configuration["Logging:Console:FormatterName"] == "json" ? Console.Error : Console.Out;
    banner.WriteLine($"""

        No broker mapping given (--bootstrap-server-mapping, or KafkaProxy:Brokers in appsettings.json or the environment):
        started an embedded 3-broker test cluster ({demoCluster.BootstrapServers}) and a proxy in front of broker 1 at {proxy}.
        Try it (Ctrl+C stops both):

          kcat -L -b {proxy}                                  # every broker shows a proxy address
          echo hello | kcat -P -b {proxy} -t demo             # produce through the proxy
          kcat -C -b {proxy} -t demo -o beginning -e          # consume through the proxy

        """);
}

// Start-up leaves its garbage (configuration, service provider, Kestrel's set-up: about 17 MB allocated) in the heap
// until traffic brings the first collection. One compacting collection now gives that memory back to the OS.
GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
await host.WaitForShutdownAsync();
return 0;

// Each message names its configuration key; where a flag set that key, the flag is named too.
int ConfigurationInvalid(IEnumerable<string> failures)
{
    Console.Error.WriteLine("kafka-proxy: the configuration is not valid:");
    foreach (string failure in failures)
    {
        string key = failure.Split([' ', '\''], 2)[0].TrimEnd(':');
        Console.Error.WriteLine("  " + failure + (commandLine.FlagFor(key) is { } flag ? $" (from {flag})" : string.Empty));
    }

    return 2;
}
