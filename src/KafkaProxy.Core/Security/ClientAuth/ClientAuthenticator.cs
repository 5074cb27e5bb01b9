using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Diagnostics;
using KafkaProxy.Core.Proxy;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Rewriting;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Security.ClientAuth;

/// <summary>
/// Client authentication at the proxy, shared by every connection of an engine: the offered mechanisms, the
/// credentials (re-read when the file changes or another file is configured, checked at most once a second), and the
/// log lines and metrics of each outcome. The timeout and the file's path come from the engine's live settings.
/// </summary>
internal sealed class ClientAuthenticator
{
    private const long ReloadCheckIntervalMs = 1000;
    private readonly LiveSettings _settings;
    private readonly ILogger _logger;
    private readonly ProxyMetrics _metrics;
    private readonly ProxyClock _clock;
    private readonly Lock _reloadLock = new();
    private readonly byte[] _decoyKey;
    private volatile ClientCredentialStore _store;
    private string _path; // the file the users were loaded from
    private (DateTime Modified, long Length) _fileStamp;
    private string? _lastReloadFailure;
    private long _checkedAt;

    private ClientAuthenticator(ClientAuthOptions options, LiveSettings settings, ClientCredentialStore store, (DateTime, long) fileStamp, byte[] decoyKey, ILogger logger, ProxyMetrics metrics, ProxyClock clock)
    {
        _clock = clock;
        _decoyKey = decoyKey;
        _settings = settings;
        _path = options.CredentialsFile!;
        _store = store;
        _fileStamp = fileStamp;
        _checkedAt = clock.NowMs;
        _logger = logger;
        _metrics = metrics;
        Mechanisms = [.. options.Mechanisms];
    }

    public IReadOnlyList<string> Mechanisms { get; }

    /// <summary>Loads the credentials file and warns about an open file or PLAIN without TLS.</summary>
    /// <exception cref="InvalidOperationException">The file cannot be read or a line is malformed.</exception>
    public static ClientAuthenticator Create(KafkaProxyOptions options, LiveSettings settings, ILogger logger, ProxyMetrics metrics, ProxyClock clock)
    {
        var auth = options.ClientAuth;
        string path = auth.CredentialsFile ?? throw new InvalidOperationException("KafkaProxy:ClientAuth:Enabled needs KafkaProxy:ClientAuth:CredentialsFile.");
        var stamp = Stamp(path);
        // One decoy key for the life of the proxy: reloads do not change the decoy salts of unknown users.
        byte[] decoyKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var store = ClientCredentialStore.Load(path, decoyKey);
        CredentialFiles.WarnIfOpen(logger, path, "KafkaProxy:ClientAuth:CredentialsFile");

        if (!options.ClientTls.Enabled && auth.Mechanisms.Contains(SaslMechanismNames.Plain))
        {
            Log.ClientPlainWithoutTls(logger);
        }

        Log.ClientAuthEnabled(logger, store.UserCount, path, string.Join(", ", auth.Mechanisms));
        return new ClientAuthenticator(auth, settings, store, stamp, decoyKey, logger, metrics, clock);
    }

    /// <summary>
    /// Runs the client's authentication on the fresh connection and returns the user it authenticated as. Returns null,
    /// after logging why and counting it, when the client failed, broke the protocol, sent another request first, ran
    /// out of time or went away.
    /// </summary>
    public async Task<string?> AuthenticateAsync(Stream client, Stream upstream, ResponseRewriter rewriter, int maxFrameSize, long connectionId, string broker)
    {
        var settings = _settings.Current;
        using var timeout = new CancellationTokenSource(settings.ClientAuthTimeout, _clock.Provider);
        var exchange = new ClientAuthExchange(client, upstream, rewriter, Mechanisms, CurrentStore(settings.CredentialsFile), maxFrameSize, timeout.Token);
        string? failure;
        try
        {
            string user = await exchange.RunAsync().ConfigureAwait(false);
            Log.ClientAuthenticated(_logger, connectionId, broker, LogText.Quote(user), exchange.Mechanism!);
            _metrics.ClientAuthenticated(exchange.Mechanism!);
            return user;
        }
        catch (ClientAuthRefusedException ex)
        {
            failure = ex.Message;
            _metrics.ClientSecurityFailed("client_auth");
        }
        catch (UnauthenticatedRequestException ex)
        {
            failure = ex.Message;
            _metrics.RequestRefused(ex.ApiKey, "unauthenticated");
        }
        catch (KafkaProtocolException ex)
        {
            failure = ex.Message;
            _metrics.ClientSecurityFailed("client_auth");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            failure = $"the client did not finish authenticating within {settings.ClientAuthTimeout} (KafkaProxy:ClientAuth:Timeout)";
            _metrics.ClientSecurityFailed("client_auth");
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or ObjectDisposedException or OperationCanceledException)
        {
            // The client (or the broker, for ApiVersions) went away before it authenticated: an ordinary end.
            return null;
        }

        Log.ClientAuthFailed(_logger, connectionId, broker, failure);
        return null;
    }

    // The store as the configured file is now: re-read when its modification time or size changed, or when another
    // file is configured (Reconfigure); a file that cannot be used keeps the previous users.
    private ClientCredentialStore CurrentStore(string? configuredPath)
    {
        long now = _clock.NowMs;
        if (now - Interlocked.Read(ref _checkedAt) < ReloadCheckIntervalMs)
        {
            return _store;
        }

        lock (_reloadLock)
        {
            if (now - _checkedAt < ReloadCheckIntervalMs)
            {
                return _store;
            }

            Interlocked.Exchange(ref _checkedAt, now);
            string path = configuredPath ?? _path;
            try
            {
                // The stamp is taken before the read and kept only when the load succeeds: a file that failed (bad line,
                // no permission) is tried again every second until it loads.
                var stamp = Stamp(path);
                bool otherFile = !string.Equals(path, _path, StringComparison.Ordinal);
                if (otherFile || stamp != _fileStamp)
                {
                    _store = ClientCredentialStore.Load(path, _decoyKey);
                    _path = path;
                    _fileStamp = stamp;
                    _lastReloadFailure = null;
                    if (otherFile)
                    {
                        CredentialFiles.WarnIfOpen(_logger, path, "KafkaProxy:ClientAuth:CredentialsFile");
                    }

                    Log.CredentialsReloaded(_logger, path, _store.UserCount);
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                if (ex.Message != _lastReloadFailure)
                {
                    _lastReloadFailure = ex.Message;
                    Log.CredentialsReloadFailed(_logger, ex.Message);
                }
            }

            return _store;
        }
    }

    private static (DateTime Modified, long Length) Stamp(string path)
    {
        var file = new FileInfo(path);
        return (file.LastWriteTimeUtc, file.Exists ? file.Length : -1);
    }
}
