using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Configuration.CommandLine;
using KafkaProxy.Core.Diagnostics;
using KafkaProxy.Core.Proxy;
using KafkaProxy.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// kafka-proxy: a composition root. Flags → options → AddKafkaProxy → run until SIGTERM/SIGINT.
// With no arguments at all it runs 'server', which then starts the embedded demo cluster.
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
    try
    {
        var credentials = CredentialsCommandLine.Parse(args[1..]);
        if (credentials.HelpRequested)
        {
            Console.WriteLine(CredentialsCommandLine.HelpText);
            return 0;
        }

        foreach (string line in credentials.CreateLines(CredentialsCommandLine.ReadPassword()))
        {
            Console.WriteLine(line);
        }

        return 0;
    }
    catch (CommandLineException ex)
    {
        Console.Error.WriteLine("kafka-proxy: " + ex.Message);
        return 2;
    }
}

if (args[0] != "server")
{
    Console.Error.WriteLine($"kafka-proxy: unknown command '{args[0]}'. The commands are 'server' and 'credentials': kafka-proxy --help");
    return 2;
}

ServerCommandLine commandLine;
try
{
    commandLine = ServerCommandLine.Parse(args[1..]);
}
catch (CommandLineException ex)
{
    Console.Error.WriteLine("kafka-proxy: " + ex.Message);
    return 2;
}

if (commandLine.HelpRequested)
{
    Console.WriteLine(ServerCommandLine.HelpText);
    return 0;
}

await using var demoCluster = commandLine.HasBrokerMappings ? null : await KafkaTestCluster.StartAsync(brokers: 3);
demoCluster?.CreateTopic("demo", partitions: 3);

// With HTTP on, the host is a web application serving /health, /ready and /metrics; otherwise a plain host.
WebApplicationBuilder? web = commandLine.HttpDisabled ? null : WebApplication.CreateSlimBuilder();
IHostApplicationBuilder builder = web is null ? Host.CreateApplicationBuilder() : web;
if (web is not null)
{
    web.WebHost.UseUrls($"http://{commandLine.HttpListenAddress}");
}

builder.Logging.ClearProviders();
if (commandLine.LogFormat == "json")
{
    builder.Logging.AddJsonConsole(o => o.UseUtcTimestamp = true);
}
else
{
    builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; });
}

builder.Logging.SetMinimumLevel(commandLine.LogLevel switch
{
    "trace" => LogLevel.Trace,
    "debug" => LogLevel.Debug,
    "warn" => LogLevel.Warning,
    "error" => LogLevel.Error,
    _ => LogLevel.Information,
});
void Configure(KafkaProxyOptions options)
{
    commandLine.ApplyTo(options);
    if (demoCluster is not null)
    {
        var first = demoCluster.Brokers[0];
        options.Brokers.Add(new BrokerMapping { Upstream = new HostPort(first.Host, first.Port), Listen = new HostPort("127.0.0.1", 0) });
    }
}

var check = new KafkaProxyOptions();
Configure(check);
var validation = new KafkaProxyOptionsValidator().Validate(null, check);
if (validation.Failed)
{
    Console.Error.WriteLine("kafka-proxy: the configuration is not valid:\n  " + string.Join("\n  ", validation.Failures));
    return 2;
}

var proxyBuilder = builder.Services.AddKafkaProxy(Configure);
IHost host;
if (web is null)
{
    host = ((HostApplicationBuilder)builder).Build();
}
else
{
    proxyBuilder.AddOperationsEndpoints();
    var app = web.Build();
    app.MapKafkaProxyHealth(commandLine.HttpHealthPath, commandLine.HttpReadyPath);
    app.MapKafkaProxyMetrics(commandLine.HttpMetricsPath);
    host = app;
}

using var hostScope = host;

// Failures outside any connection (connections contain their own) are logged before the process ends non-zero.
UnhandledExceptionLogging.Register(host.Services.GetRequiredService<ILoggerFactory>());
try
{
    await host.StartAsync();
}
catch (Exception ex) when (ex is InvalidOperationException or IOException)
{
    Console.Error.WriteLine("kafka-proxy: " + ex.Message);
    return 2;
}

if (demoCluster is not null)
{
    string proxy = host.Services.GetRequiredService<ProxyEngine>().Listeners[0].Advertised.ToString();
    // With JSON logs, stdout carries only JSON lines; the banner goes to stderr.
    var banner = commandLine.LogFormat == "json" ? Console.Error : Console.Out;
    banner.WriteLine($"""

        No --bootstrap-server-mapping given: started an embedded 3-broker test cluster ({demoCluster.BootstrapServers})
        and a proxy in front of broker 1 at {proxy}. Try it (Ctrl+C stops both):

          kcat -L -b {proxy}                                  # every broker shows a proxy address
          echo hello | kcat -P -b {proxy} -t demo             # produce through the proxy
          kcat -C -b {proxy} -t demo -o beginning -e          # consume through the proxy

        """);
}

await host.WaitForShutdownAsync();
return 0;
