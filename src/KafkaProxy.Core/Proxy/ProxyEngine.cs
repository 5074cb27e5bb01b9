using System.Diagnostics.CodeAnalysis;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.Sockets;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Diagnostics;
using KafkaProxy.Core.Filters;
using KafkaProxy.Core.Filters.BuiltIn;
using KafkaProxy.Core.Proxy.Transport;
using KafkaProxy.Core.Security;
using KafkaProxy.Core.Security.ClientAuth;
using KafkaProxy.Protocol.Rewriting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KafkaProxy.Core.Proxy;

/// <summary>
/// The Kafka protocol proxy: a listener per broker; each accepted client gets its own connection to that broker;
/// responses carrying broker addresses are rewritten so that clients only ever see the proxy. Usable with DI
/// (<c>services.AddKafkaProxy()</c>) or alone: <c>await using var engine = new ProxyEngine(options); await engine.StartAsync();</c>.
/// </summary>
public sealed class ProxyEngine : IAsyncDisposable
{
    private readonly KafkaProxyOptions _options;
    private readonly ProxyLoggers _loggers;
    private readonly ProxyMetrics _metrics;
    private readonly ProxyClock _clock;
    private readonly OwnedMeterFactory? _ownedMeterFactory;
    private readonly LiveSettings _settings;
    private readonly Lock _reconfigureLock = new();
    private readonly ConnectionContext _context;
    private readonly BrokerAddressBook _addressBook;
    private readonly DynamicListeners? _dynamicListeners;
    private readonly SniRouter? _sni;
    private readonly Filters.Audit.AuditSink? _audit;
    private readonly Chaos.ChaosProxies? _chaos;
    private readonly ConcurrentDictionary<long, (ProxyConnection Connection, Task Run)> _connections = new();
    private readonly ConcurrentBag<(BrokerListener Listener, Task Accepting)> _listeners = [];
    private readonly bool _sharedSniListener; // the SNI listener is bound by VirtualClusters and shared with other engines
    private (BrokerListener Listener, ProxyListenerInfo Info)? _shared;
    private ITimer? _deadlineTimer;
    private readonly string?[] _startedWith; // the settings that need a restart, as the engine started
    private string?[] _applied; // the reloadable settings as last applied
    private long _nextConnectionId;
    private int _open; // client connections holding a slot of the limit
    // The filters around the api-key gate, which each settings snapshot builds anew: the audit before it (so that it
    // records what the gate refuses too), the policies and the user's filters after it.
    private readonly IKafkaFilter[] _filtersBeforeGate;
    private readonly IKafkaFilter[] _filtersAfterGate;
    private int _maxConnections; // MaxConnections, lowered at start to what the descriptor limit allows
    private int _state; // 0 new, 1 started, 2 stopped

    /// <summary>Creates an engine from validated options (the DI path).</summary>
    /// <param name="options">The settings; validated again here.</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    /// <param name="meterFactory">Metrics (meter <c>KafkaProxy.Proxy</c>); a private factory when null.</param>
    /// <param name="timeProvider">The clock of deadlines, timeouts and re-authentication; the system clock when null.</param>
    /// <param name="filters">The user's filters, in the order they run (after the built-in ones); none when null.</param>
    /// <param name="chaos">The chaos proxies the Toxiproxy API changes (<c>AddChaos()</c>); none when null.</param>
    /// <param name="sharedSniListener">With SNI routing: the listener is not bound here but shared (<see cref="UseSharedSniListener"/>).</param>
    internal ProxyEngine(IOptions<KafkaProxyOptions> options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null, IEnumerable<IKafkaFilter>? filters = null, Chaos.ChaosProxies? chaos = null, bool sharedSniListener = false)
    {
        _sharedSniListener = sharedSniListener;
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        var result = new KafkaProxyOptionsValidator().Validate(null, _options);
        if (result.Failed)
        {
            throw new OptionsValidationException(nameof(KafkaProxyOptions), typeof(KafkaProxyOptions), result.Failures);
        }

        _loggers = new ProxyLoggers(loggerFactory ?? NullLoggerFactory.Instance);
        _clock = new ProxyClock(timeProvider ?? TimeProvider.System);
        if (meterFactory is null)
        {
            _ownedMeterFactory = new OwnedMeterFactory();
            meterFactory = _ownedMeterFactory;
        }

        _metrics = new ProxyMetrics(meterFactory, _options.VirtualCluster);
        _maxConnections = _options.MaxConnections;
        _startedWith = SettingsComparison.Values(SettingsComparison.NeedRestart, _options);
        _applied = SettingsComparison.Values(SettingsComparison.Reloadable, _options);
        // Three ways to advertise brokers: listeners of mappings and dynamic ones, node-id ports (dynamic listeners on
        // ports of their own), or SNI routing (one listener; the router maps the addresses).
        bool listenersOnDemand = !_options.Sni.Enabled && (_options.DynamicListeners.Enabled || _options.NodePorts.Enabled);
        _addressBook = new BrokerAddressBook(listenersOnDemand);
        _dynamicListeners = listenersOnDemand ? new DynamicListeners(_options, _addressBook, RouteTo, Run, _metrics, _loggers.Listeners) : null;
        _sni = _options.Sni.Enabled ? new SniRouter(_options.Sni, RouteTo, _metrics, _loggers.Connections) : null;
        IBrokerAddressMapper addresses = _sni is null ? _addressBook : _sni;
        var security = _options.UpstreamTls.Enabled || _options.UpstreamSasl.Enabled ? UpstreamSecurity.Create(_options, _loggers.UpstreamSecurity, _clock.Provider) : null;
        var clientTls = _options.ClientTls.Enabled ? new ClientTls(_options.ClientTls, _clock.Provider) : null;
        _audit = _options.Audit.Enabled ? new Filters.Audit.AuditSink(_options.Audit, new SettingKey(_options.ConfigurationPath)["Audit:Path"], new SettingKey(_options.ConfigurationPath)["Audit:Capacity"], _loggers.Audit, _loggers.Engine, _metrics, _clock.Provider) : null;
        IKafkaFilter[] reauthentication = security?.Sasl is { } sasl
            ? [new ReauthenticationFilter(sasl, _options.UpstreamSasl.ReauthenticateAt, () => _settings!.Current.UpstreamSaslTimeout, _clock.Provider, _loggers.UpstreamSecurity)]
            : [];
        IKafkaFilter[] observers = [
            .. _audit is null ? [] : (IKafkaFilter[])[new Filters.Audit.AuditFilter(_options.Audit, _audit)],
            .. _options.Tracing.Enabled ? [new Filters.Tracing.RequestTracingFilter(_options.Tracing)] : (IKafkaFilter[])[]];
        _filtersBeforeGate = [new AddressRewritingFilter(addresses), .. reauthentication, .. observers];
        // The chaos filter runs last: the faults it makes look, to every other filter, as if the broker made them.
        IKafkaFilter[] chaosFilter = chaos is null ? [] : [new Chaos.Kafka.KafkaChaosFilter(chaos, _clock.Provider)];
        _filtersAfterGate = [.. BuiltInFilters(_options), .. filters ?? [], .. chaosFilter];
        _settings = new LiveSettings(ReloadableSettings.From(_options, _options, _filtersBeforeGate, _filtersAfterGate));
        var clientAuth = _options.ClientAuth.Enabled ? ClientAuthenticator.Create(_options, _settings, _loggers.ClientAuth, _metrics, _clock) : null;
        _chaos = chaos;
        _chaos?.UseClock(_clock.Provider);
        _context = new ConnectionContext(_options, addresses, _dynamicListeners, _sni, _metrics, _clock, _loggers, security, _settings, clientTls, clientAuth, chaos, _options.ForwardInKernel ? KernelPipePool.Shared : null);
    }

    /// <summary>Creates an engine without DI.</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    /// <param name="meterFactory">Metrics (meter <c>KafkaProxy.Proxy</c>); a private factory when null.</param>
    /// <param name="timeProvider">The clock of deadlines, timeouts and re-authentication; the system clock when null.</param>
    public ProxyEngine(KafkaProxyOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
        : this(Options.Create(options ?? throw new ArgumentNullException(nameof(options))), loggerFactory, meterFactory, timeProvider)
    {
    }

    /// <summary>Creates an engine without DI, with filters of the user's.</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="filters">The user's filters, in the order they run (after the proxy's own policies).</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    /// <param name="meterFactory">Metrics (meter <c>KafkaProxy.Proxy</c>); a private factory when null.</param>
    /// <param name="timeProvider">The clock of deadlines, timeouts and re-authentication; the system clock when null.</param>
    [Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
    public ProxyEngine(KafkaProxyOptions options, IEnumerable<IKafkaFilter> filters, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
        : this(Options.Create(options ?? throw new ArgumentNullException(nameof(options))), loggerFactory, meterFactory, timeProvider, filters ?? throw new ArgumentNullException(nameof(filters)))
    {
    }

    // The proxy's own filters after the api-key gate, which run before the user's.
    private static IEnumerable<IKafkaFilter> BuiltInFilters(KafkaProxyOptions options)
    {
        if (options.Policies.ChecksProduce || options.Policies.ChecksCreateTopics)
        {
            yield return new Filters.Policies.PolicyFilter(options.Policies);
        }
    }

    /// <summary>
    /// Every listener, mapped, dynamic and node-port, with its bound and advertised address; with SNI routing the one
    /// listener, advertised as the bootstrap name, its upstream the first bootstrap server.
    /// </summary>
    public IReadOnlyList<ProxyListenerInfo> Listeners =>
        _listeners.Select(l => l.Listener.Info).Concat(_shared is { } shared ? [shared.Info] : []).OrderBy(i => i.IsDynamic).ThenBy(i => i.Upstream.ToString(), StringComparer.Ordinal).ToList();

    /// <summary>The validated settings the engine runs with.</summary>
    internal KafkaProxyOptions StartOptions => _options;

    /// <summary>Client connections holding a slot of MaxConnections now (a slot is given back last, after the connection's entry).</summary>
    internal int OpenConnections => Volatile.Read(ref _open);

    /// <summary>True while some connection is writing toward a peer: a peer may hold the bytes before the write has ended.</summary>
    internal bool AnyConnectionWriting => _connections.Values.Any(c => c.Connection.Writing);

    /// <summary>The engine's instruments (and the counters behind them that tests read).</summary>
    internal ProxyMetrics Metrics => _metrics;

    /// <summary>The clock of deadlines, timeouts and re-authentication.</summary>
    internal TimeProvider TimeProvider => _clock.Provider;

    /// <summary>Client connections open at once: MaxConnections, or less when the descriptor limit cannot hold that many (set at start).</summary>
    internal int MaxConnections => Volatile.Read(ref _maxConnections);

    /// <summary>
    /// Why new clients cannot be served now, or null when they can: a listener stopped for good or out of file
    /// descriptors, or the connection limit reached. For readiness checks.
    /// </summary>
    internal string? AcceptProblem()
    {
        foreach (var (listener, _) in _listeners.Concat(_shared is { } shared ? [(shared.Listener, Task.CompletedTask)] : []))
        {
            var info = listener.Info;
            switch (listener.State)
            {
                case BrokerListener.AcceptState.Stopped:
                    return $"the listener on {info.LocalEndPoint} for broker {info.Upstream} stopped accepting for good (event 1009): restart the proxy";
                case BrokerListener.AcceptState.OutOfDescriptors:
                    return $"the listener on {info.LocalEndPoint} for broker {info.Upstream} cannot accept: the process is out of file descriptors (event 1020)";
            }
        }

        int open = Volatile.Read(ref _open);
        int limit = MaxConnections;
        return open >= limit ? $"{open} client connections are open, as many as the limit (MaxConnections) of {limit}: new ones are refused" : null;
    }

    /// <summary>
    /// Dials the mapped brokers (at their dial addresses) one after another and returns the first that accepts a TCP
    /// connection, or null when none does within <paramref name="timeout"/> each. For readiness checks.
    /// </summary>
    internal async Task<string?> FindReachableBrokerAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        foreach (var upstream in _options.Brokers.Select(b => b.Upstream).Concat(_options.Sni.UpstreamBootstrapServers))
        {
            var dial = RouteTo(upstream).Dial;
            using var timeoutSource = new CancellationTokenSource(timeout, _clock.Provider);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
            Socket? probe = null;
            try
            {
                probe = new Socket(SocketType.Stream, ProtocolType.Tcp); // fails too when the process is out of descriptors
                await probe.ConnectAsync(dial.Host, dial.Port, deadline.Token).ConfigureAwait(false);
                return upstream.ToString();
            }
            catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Try the next broker.
            }
            finally
            {
                probe?.Dispose();
            }
        }

        return null;
    }

    /// <summary>Binds a listener for every mapped broker and starts accepting.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The proxy engine was already started.");
        }

        _dynamicListeners?.ResolveBindAddress();
        foreach (var external in _options.ExternalServers)
        {
            _addressBook.Add(external.From, new BrokerEndpoint(external.To.Host, external.To.Port));
        }

        FitConnectionLimit();
        _audit?.Start();
        foreach (var broker in _options.Brokers)
        {
            var listener = BrokerListener.Bind(broker.Listen, RouteTo(broker.Upstream), broker.Advertised, isDynamic: false, _options.ListenerSockets);
            if (!_options.NodePorts.Enabled)
            {
                // With node-id ports a mapping only bootstraps: its broker is advertised at its node port, as every other.
                _addressBook.Add(broker.Upstream, new BrokerEndpoint(listener.Info.Advertised.Host, listener.Info.Advertised.Port));
            }

            Run(listener);
        }

        if (_sni is not null && !_sharedSniListener)
        {
            var sni = _options.Sni;
            var listener = BrokerListener.Bind(sni.ListenerAddress!.Value, _sni.ListenerRoute, new HostPort(sni.BootstrapHost!, sni.AdvertisedPort), isDynamic: false, _options.ListenerSockets);
            _sni.Listening(listener.Info.Advertised.Port);
            Run(listener);
        }

        _deadlineTimer = _clock.Provider.CreateTimer(_ => CheckDeadlines(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Takes the SNI listener several virtual clusters share, bound by the caller, which hands this engine the clients whose
    /// server name it claims (<see cref="ServesServerName"/>) with <see cref="AcceptShared"/>. Called once, after start.
    /// </summary>
    internal void UseSharedSniListener(BrokerListener listener)
    {
        var sni = _options.Sni;
        var local = listener.Info.LocalEndPoint;
        var info = new ProxyListenerInfo(_sni!.ListenerRoute.Upstream, local, new HostPort(sni.BootstrapHost!, sni.AdvertisedPort == 0 ? local.Port : sni.AdvertisedPort), isDynamic: false);
        _sni.Listening(info.Advertised.Port);
        _shared = (listener, info);
        Log.ListenerStarted(_loggers.Listeners, local.ToString(), info.Upstream.ToString(), info.Advertised.ToString());
    }

    /// <summary>Whether a client asking for <paramref name="serverName"/> is this engine's to serve on a shared SNI listener.</summary>
    internal bool ServesServerName(string? serverName) => _sni?.Claims(serverName) == true;

    /// <summary>Serves a client of the shared SNI listener whose first bytes (its ClientHello) were read already.</summary>
    internal void AcceptShared(Socket client, ReadOnlyMemory<byte> clientHello) => Accept(_sni!.ListenerRoute, client, clientHello);

    /// <summary>
    /// Stops gracefully: closes the listeners, lets every request in flight be answered (up to the drain timeout or
    /// until <paramref name="cancellationToken"/> fires), then closes what is left.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }

        foreach (var (listener, _) in _listeners)
        {
            listener.Dispose();
        }

        var drainTimeout = _settings.Current.DrainTimeout;
        Log.Draining(_loggers.Engine, _connections.Count, drainTimeout);
        foreach (var (connection, _) in _connections.Values)
        {
            connection.BeginDrain();
        }

        var all = Task.WhenAll(_connections.Values.Select(c => c.Run));
        try
        {
            await all.WaitAsync(drainTimeout, _clock.Provider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            Log.DrainTimedOut(_loggers.Engine, _connections.Count);
            foreach (var (connection, _) in _connections.Values)
            {
                connection.Abort();
            }

            await all.ConfigureAwait(false);
        }

        await Task.WhenAll(_listeners.Select(l => l.Accepting)).ConfigureAwait(false);
        _deadlineTimer?.Dispose();
        if (_audit is not null)
        {
            await _audit.DisposeAsync().ConfigureAwait(false); // every connection is closed: writes what is queued
        }
    }

    /// <summary>
    /// Applies what can change on a running engine to new and existing connections: forbidden api keys, timeouts and
    /// deadlines, the client credentials file (<see cref="SettingsComparison.Reloadable"/>). Returns the names of the
    /// settings that differ from the running ones but are read only at start, and logs them as needing a restart; those
    /// keep their running values. <paramref name="next"/> is already validated.
    /// </summary>
    internal IReadOnlyList<string> Reconfigure(KafkaProxyOptions next)
    {
        ArgumentNullException.ThrowIfNull(next);
        lock (_reconfigureLock)
        {
            var applied = SettingsComparison.Changed(SettingsComparison.Reloadable, _applied, next);
            _settings.Replace(ReloadableSettings.From(_options, next, _filtersBeforeGate, _filtersAfterGate));
            _applied = SettingsComparison.Values(SettingsComparison.Reloadable, next);
            var restart = SettingsComparison.Changed(SettingsComparison.NeedRestart, _startedWith, next);
            if (applied.Count > 0)
            {
                Log.SettingsApplied(_loggers.Engine, string.Join(", ", applied));
            }

            if (restart.Count > 0)
            {
                Log.SettingsNeedRestart(_loggers.Engine, string.Join(", ", restart));
            }

            return restart;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_audit is not null)
        {
            await _audit.DisposeAsync().ConfigureAwait(false); // an engine never started
        }

        _ownedMeterFactory?.Dispose();
    }

    // Each client connection holds two descriptors: a limit the process cannot hold would end in failed accepts and
    // dials instead of clean refusals, so it is lowered to what fits, and said.
    private void FitConnectionLimit()
    {
        if (DescriptorLimit.Read() is not { } descriptors)
        {
            return;
        }

        var (limit, open) = descriptors;
        long fit = DescriptorLimit.ConnectionsThatFit(limit, open);
        if (fit >= _options.MaxConnections)
        {
            return;
        }

        string key = new SettingKey(_options.ConfigurationPath)["MaxConnections"];
        if (fit < 1)
        {
            throw new InvalidOperationException(
                $"This process may open {limit} file descriptors (RLIMIT_NOFILE) and holds {open}: no client connection fits (each takes two). Raise the limit (ulimit -n, systemd LimitNOFILE, docker --ulimit nofile); {key} is {_options.MaxConnections}.");
        }

        Volatile.Write(ref _maxConnections, (int)fit);
        Log.MaxConnectionsLowered(_loggers.Engine, key, _options.MaxConnections, limit, open, (int)fit);
    }

    private void Run(BrokerListener listener)
    {
        _chaos?.Add(listener.Info, listener.Route, () => _addressBook.NodeIdOf(listener.Info.Upstream));
        _listeners.Add((listener, listener.AcceptLoopAsync(OnAccepted, _loggers.Listeners, _clock.Provider)));
        if (Volatile.Read(ref _state) == 2)
        {
            // Started by a response answered while stopping, after the listeners were closed.
            listener.Dispose();
        }

        var info = listener.Info;
        if (!info.IsDynamic)
        {
            Log.ListenerStarted(_loggers.Listeners, info.LocalEndPoint.ToString(), info.Upstream.ToString(), info.Advertised.ToString());
        }
    }

    // accept → dial → two pumps → close: the life of a connection, on its own task.
    private void OnAccepted(BrokerListener listener, Socket client)
    {
        if (_chaos?.Refuses(listener.Route) == true)
        {
            client.Dispose(); // a chaos proxy disabled: its broker is away (docs/testing.md)
            return;
        }

        Accept(listener.Route, client, default);
    }

    private void Accept(BrokerRoute route, Socket client, ReadOnlyMemory<byte> preread)
    {
        // A slot is taken before anything is spent on the client: accept loops of several listeners run at once.
        int limit = MaxConnections;
        if (Interlocked.Increment(ref _open) > limit || Volatile.Read(ref _state) != 1)
        {
            int open = Interlocked.Decrement(ref _open);
            Log.ConnectionRefused(_loggers.Listeners, client.LocalEndPoint?.ToString(), open, limit);
            _metrics.ConnectionRefused("max_connections");
            client.Dispose();
            return;
        }

        try
        {
            SocketSetup.Apply(client, _options.ListenerSockets);
        }
        catch (SocketException)
        {
            // The client went away between accept and here.
            Interlocked.Decrement(ref _open);
            client.Dispose();
            return;
        }

        long id = Interlocked.Increment(ref _nextConnectionId);
        var connection = new ProxyConnection(id, client, route, _context, preread);
        _metrics.ConnectionOpened(route.MetricName);
        // Registered before it starts: a connection that ends at once (a refused dial) must find its entry to remove.
        var start = new Task<Task>(() => RunConnectionAsync(connection), TaskCreationOptions.DenyChildAttach);
        _connections[id] = (connection, start.Unwrap());
        start.Start(TaskScheduler.Default);
    }

    private async Task RunConnectionAsync(ProxyConnection connection)
    {
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The per-connection task contains every failure so that other connections keep running.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ConnectionCrashed(_loggers.Connections, ex, connection.Id, connection.Route.MetricName);
        }
        finally
        {
            connection.Abort();
            _connections.TryRemove(connection.Id, out _);
            Interlocked.Decrement(ref _open);
            _metrics.ConnectionClosed(connection.Route.MetricName);
        }
    }

    private BrokerRoute RouteTo(HostPort upstream)
    {
        var dial = _options.DialAddresses.FirstOrDefault(d => d.From == upstream)?.To ?? upstream;
        return new BrokerRoute(upstream, dial);
    }

    private void CheckDeadlines()
    {
        long now = _clock.NowMs;
        var settings = _settings.Current;
        foreach (var entry in _connections)
        {
            entry.Value.Connection.CheckDeadlines(now, settings);
        }
    }
}
