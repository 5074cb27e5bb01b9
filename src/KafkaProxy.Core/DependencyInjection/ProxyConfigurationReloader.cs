using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace KafkaProxy.Core.DependencyInjection;

/// <summary>
/// Applies a changed configuration (a file with <c>reloadOnChange</c>) to the running engine: the options are built and
/// validated again as at start; valid ones go to <see cref="ProxyEngine.Reconfigure"/>, which applies what can change
/// live and names the rest as needing a restart; invalid ones are logged and the running settings stay. With virtual
/// clusters one reloader runs per cluster, each for its named options (<paramref name="name"/>).
/// </summary>
internal sealed partial class ProxyConfigurationReloader(
    IConfiguration configuration, IOptionsFactory<KafkaProxyOptions> factory, ProxyEngine engine, ILoggerFactory? loggerFactory = null, string? name = null)
    : IHostedService, IDisposable
{
    private readonly ILogger _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("KafkaProxy.Configuration");
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _subscription = null;
    }

    /// <summary>Builds the options from the configuration as it is now and hands valid ones to the engine.</summary>
    internal void Reload()
    {
        KafkaProxyOptions next;
        try
        {
            next = factory.Create(name ?? Options.DefaultName);
        }
        catch (OptionsValidationException ex)
        {
            ChangeRejected(_logger, string.Join(" | ", ex.Failures));
            return;
        }

        try
        {
            engine.Reconfigure(next);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Runs on the configuration's change notification: an escaping exception would end the process.
            ReloadFailed(_logger, ex);
        }
    }

    [LoggerMessage(4001, LogLevel.Error, "The changed configuration is not valid and was not applied; the running settings stay: {Failures}")]
    private static partial void ChangeRejected(ILogger logger, string failures);

    [LoggerMessage(4002, LogLevel.Error, "Applying the changed configuration failed; the running settings stay")]
    private static partial void ReloadFailed(ILogger logger, Exception exception);
}
