using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using KafkaProxy.Core.Diagnostics;
using KafkaProxy.Core.Filters;
using KafkaProxy.Core.Proxy.Transport;
using KafkaProxy.Core.Security;
using KafkaProxy.Protocol.Frames;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.Produce;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Core.Proxy;

/// <summary>
/// One client connection and its own upstream connection. Two pumps run at once: requests client → broker and
/// responses broker → client, pipelined and in order. Frames are not buffered whole unless they must be rewritten:
/// a pass-through frame is forwarded as its bytes arrive, once its header has been seen.
/// </summary>
internal sealed class ProxyConnection : ISpliceProgress
{
    private const int PipeBufferSize = 64 * 1024;
    // What must be left of a pass-through frame once the reader's buffer is forwarded for the rest to go in the kernel:
    // below it, the two splices and the pipe cost more than the copies they save.
    private const long SpliceThreshold = 32 * 1024;
    // Zero-byte reads: an idle connection waits without a rented buffer, and rents one only when bytes are there.
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: PipeBufferSize, minimumReadSize: 4096, leaveOpen: true, useZeroByteReads: true);
    private static readonly StreamPipeWriterOptions WriterOptions = new(minimumBufferSize: PipeBufferSize, leaveOpen: true);

    private readonly ConnectionContext _context;
    private readonly ProxyClock _clock;
    private readonly Socket _client;
    private readonly InFlightRequests _inFlight;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly OwnRequests _ownRequests;
    private readonly ConnectionLogScope _logScope;
    private Activity? _span; // the connection's span when traces are exported (ProxyTracing)
    private ConnectionTurns? _turns;
    private Socket? _upstream;
    private PipeReader? _clientReader;
    private PipeReader? _upstreamReader;
    private KafkaConnectionInfo _info; // replaced once, when SNI routing chooses the broker
    // A request some filter wants, whole in the buffer, that the request pump hands to the filters next.
    private (RequestHeader Header, int Size, bool ExpectsResponse, FilterChains Filters)? _toFilter;
    // A response some filter wants, whole, that the response pump hands over next.
    private ResponseToFilter? _responseToFilter;
    // A Fetch response only the address rewriting wants, going out as it arrives (made on the first).
    private StreamedFetchRewrite? _streamedFetch;
    // The response the filters see, reused for each of the connection's responses (made for the first one filtered:
    // most connections never have one, and idle connections are many).
    private KafkaResponse? _response;
    // The writer toward the broker while the request filters run, and the sender their requests use (made once).
    private PipeWriter? _filterUpstream;
    private Func<short, short, ReadOnlyMemory<byte>, CancellationToken, Task<ReadOnlyMemory<byte>>>? _sendOwnRequest;
    // Each pump's filter deadline, made when it first runs a filter.
    private FilterDeadline? _requestFilterDeadline;
    private FilterDeadline? _responseFilterDeadline;
    private volatile bool _draining;
    private long _lastActivity;
    private long _lastUpstreamActivity;
    // When the current write toward each peer began (0: none pending); one per pump, which is its only writer.
    private long _clientFlushStarted;
    private long _upstreamFlushStarted;
    // Both sides' streams when both are plain TCP and frames may move inside the kernel (Linux); null otherwise. Each
    // pump's mover is made on its first big frame.
    private (SocketReadStream Client, SocketReadStream Upstream, KernelPipePool Pipes)? _splicing;
    private SocketSplicer? _requestSplicer;
    private SocketSplicer? _responseSplicer;
    // The client's first bytes, read by a shared SNI listener to choose the virtual cluster; empty otherwise.
    private readonly ReadOnlyMemory<byte> _preread;

    public ProxyConnection(long id, Socket client, BrokerRoute route, ConnectionContext context, ReadOnlyMemory<byte> preread = default)
    {
        _preread = preread;
        Id = id;
        Route = route;
        _client = client;
        _context = context;
        _clock = context.Clock;
        _lastActivity = _lastUpstreamActivity = _clock.NowMs;
        // One place beyond the client's limit for a filter's own request (re-authentication's too; one at a time, since
        // all run in the request pump's turn), so that a client at its limit does not block it.
        _inFlight = new InFlightRequests(context.Options.MaxInFlightRequests, reserved: 1);
        _ownRequests = new OwnRequests(_inFlight);

        _info = new KafkaConnectionInfo(id, client.RemoteEndPoint, route.Upstream, client.LocalEndPoint) { VirtualCluster = context.Options.VirtualCluster };
        _logScope = new ConnectionLogScope(id, client.RemoteEndPoint, route.MetricName) { VirtualCluster = context.Options.VirtualCluster };
    }

    public long Id { get; }

    /// <summary>True while a write toward either peer is under way (its WriteTimeout counts).</summary>
    internal bool Writing => Interlocked.Read(ref _clientFlushStarted) != 0 || Interlocked.Read(ref _upstreamFlushStarted) != 0;

    public BrokerRoute Route { get; private set; }

    private string Broker => Route.MetricName;

    /// <summary>Dials the broker and runs both pumps until either side closes, a frame is bad, or the connection is stopped.</summary>
    public async Task RunAsync()
    {
        var log = _context.Loggers.Connections;
        using var span = _span = ProxyTracing.StartConnection(Id, _client.RemoteEndPoint, Broker);
        using var scope = log.BeginScope(_logScope);
        Log.ConnectionOpened(log, Id, _client.RemoteEndPoint, Broker);
        var clientStream = await SecureClientAsync().ConfigureAwait(false);
        if (clientStream is null)
        {
            return;
        }

        clientStream = _context.Chaos?.Wrap(Route, Id, clientStream, _client, Abort) ?? clientStream; // toxics, with the chaos API only

        await using var clientStreamScope = clientStream.ConfigureAwait(false);
        if (_context.Sni is { } sni)
        {
            if (!sni.TryRoute(_info.ServerName, Id, out var route))
            {
                ProxyTracing.Closed(span, "SNI routing found no broker for the server name");
                return;
            }

            RouteTo(route);
        }

        _upstream = await DialAsync().ConfigureAwait(false);
        if (_upstream is null)
        {
            return;
        }

        var upstreamStream = await SecureUpstreamAsync(_upstream).ConfigureAwait(false);
        if (upstreamStream is null)
        {
            return;
        }

        await using var upstreamStreamScope = upstreamStream.ConfigureAwait(false);
        if (_context.ClientAuthenticator is { } authenticator)
        {
            // The handshake clamps the broker's ApiVersions answer before the pumps (and the filters) start; only then
            // does a connection need a rewriter of its own (its plan is a few hundred bytes).
            var rewriter = new ResponseRewriter(_context.AddressBook);
            using (var step = ProxyTracing.StartStep(ProxyTracing.ClientAuthSpan))
            {
                _info.Principal = _logScope.Principal = await authenticator.AuthenticateAsync(clientStream, upstreamStream, rewriter, _context.Options.MaxFrameSize, Id, Broker).ConfigureAwait(false);
                span?.SetTag(ProxyTracing.PrincipalTag, _info.Principal);
                if (_info.Principal is null)
                {
                    ProxyTracing.StepFailed(step, "client authentication at the proxy failed");
                }
            }

            if (_info.Principal is null || _draining)
            {
                // Refused, or the proxy began to stop while the client authenticated: no pumps start.
                return;
            }
        }

        _clientReader = PipeReader.Create(clientStream, ReaderOptions);
        var clientWriter = CreateWriter(clientStream);
        var upstreamReader = _upstreamReader = PipeReader.Create(upstreamStream, ReaderOptions);
        var upstreamWriter = CreateWriter(upstreamStream);
        if (_context.Pipes is { Enabled: true } pipes && clientStream is SocketReadStream plainClient && upstreamStream is SocketReadStream plainUpstream)
        {
            // Only the sockets themselves: TLS, toxics and a replayed preread need every byte to pass through a stream.
            _splicing = (plainClient, plainUpstream, pipes);
        }

        try
        {
            var requests = PumpRequestsAsync(_clientReader, upstreamWriter);
            var responses = PumpResponsesAsync(upstreamReader, clientWriter);
            var first = await Task.WhenAny(requests, responses).ConfigureAwait(false);
            if (first == requests && _draining)
            {
                // Graceful stop: no new requests; answers for those in flight still reach the client.
                await Task.WhenAny(responses, _drained.Task).ConfigureAwait(false);
            }

            if (first == responses && _turns is { InProgress: true })
            {
                // The broker closed during a connection filter's turn (re-authentication): the request pump holds the reason.
                _ownRequests.Abort();
                await Task.WhenAny(requests, Task.Delay(_context.Settings.Current.UpstreamSaslTimeout, _clock.Provider)).ConfigureAwait(false);
                first = requests.IsCompleted ? requests : first;
            }

            // Logged before the sockets close, so the reason is on record by the time the client sees the close.
            string? failure = await DescribeFailureAsync(first).ConfigureAwait(false);
            ProxyTracing.Closed(span, failure);
            if (failure is null)
            {
                Log.ConnectionClosed(log, Id, Broker);
            }
            else
            {
                Log.ConnectionFailed(log, Id, Broker, failure);
            }

            foreach (var observer in _context.Settings.Current.Filters.ClosedObservers)
            {
                observer.OnConnectionClosed(_info, failure);
            }
        }
        finally
        {
            await Chaos.ChaosProxies.SlowCloseAsync(clientStream).ConfigureAwait(false);
            Abort();
            await _clientReader.CompleteAsync().ConfigureAwait(false);
            await upstreamReader.CompleteAsync().ConfigureAwait(false);
            await SafeCompleteAsync(clientWriter).ConfigureAwait(false);
            await SafeCompleteAsync(upstreamWriter).ConfigureAwait(false);
        }
    }

    /// <summary>Stops reading requests; the connection closes once every request in flight is answered.</summary>
    public void BeginDrain()
    {
        _draining = true;
        _clientReader?.CancelPendingRead();
        if (_inFlight.Count == 0)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Closes both sockets at once; the pumps end with errors that are not logged as failures.</summary>
    public void Abort()
    {
        _client.Dispose();
        _upstream?.Dispose();
        _ownRequests.Abort();
        _drained.TrySetResult();
    }

    /// <summary>Closes the connection if it broke a deadline of <paramref name="options"/>; called about once a second.</summary>
    public void CheckDeadlines(long now, ReloadableSettings options)
    {
        string? reason = null;
        string? stalledPeer = Overdue(Interlocked.Read(ref _clientFlushStarted), now, options.WriteTimeout) ? "client"
            : Overdue(Interlocked.Read(ref _upstreamFlushStarted), now, options.WriteTimeout) ? "broker"
            : null;
        if (stalledPeer is not null)
        {
            reason = $"a write to the {stalledPeer} blocked for more than {options.WriteTimeout} (WriteTimeout): it stopped reading";
        }
        else if (options.IdleTimeout > TimeSpan.Zero && now - Interlocked.Read(ref _lastActivity) > options.IdleTimeout.TotalMilliseconds)
        {
            reason = $"idle for {options.IdleTimeout} (IdleTimeout)";
        }
        else if (options.UpstreamReadTimeout > TimeSpan.Zero && _inFlight.Count > 0
            && now - Interlocked.Read(ref _lastUpstreamActivity) > options.UpstreamReadTimeout.TotalMilliseconds)
        {
            reason = $"the broker sent nothing for {options.UpstreamReadTimeout} (UpstreamReadTimeout) with {_inFlight.Count} requests waiting";
        }

        if (reason is null && _turns?.IsDue == true)
        {
            // An idle client: wake the request pump so that a connection filter's turn (re-authentication before the
            // session expires) comes in time.
            _clientReader?.CancelPendingRead();
        }

        if (reason is not null)
        {
            Log.ConnectionFailed(_context.Loggers.Connections, Id, Broker, reason);
            ProxyTracing.Closed(_span, reason);
            _context.Metrics.FrameRejected("deadline");
            Abort();
        }
    }

    // True when the limit is set and more time than it has passed since the stamp (0: nothing running).
    private static bool Overdue(long since, long now, TimeSpan limit) => limit > TimeSpan.Zero && since != 0 && now - since > limit.TotalMilliseconds;

    private async Task<Socket?> DialAsync()
    {
        var dialTimeout = _context.Settings.Current.DialTimeout;
        var dial = Route.Dial;
        Socket? socket = null;
        using var step = ProxyTracing.StartStep(ProxyTracing.DialSpan);
        step?.SetTag("server.address", dial.Host);
        step?.SetTag("server.port", dial.Port);
        try
        {
            socket = new Socket(SocketType.Stream, ProtocolType.Tcp); // fails too when the process is out of descriptors
            SocketSetup.Apply(socket, _context.Options.UpstreamSockets);
            using var timeout = new CancellationTokenSource(dialTimeout, _clock.Provider);
            await socket.ConnectAsync(dial.Host, dial.Port, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket?.Dispose();
            string reason = ex is OperationCanceledException ? $"no connection within {dialTimeout} (DialTimeout)" : ex.Message;
            Log.DialFailed(_context.Loggers.Connections, Id, Broker, dial.ToString(), reason);
            ProxyTracing.StepFailed(step, reason);
            _context.Metrics.UpstreamConnectFailed(Broker);
            return null;
        }
    }

    // SNI routing: the broker is known once the client's TLS handshake named it.
    private void RouteTo(BrokerRoute route)
    {
        _context.Metrics.ConnectionRouted(Broker, route.MetricName);
        Route = route;
        _logScope.Broker = route.MetricName;
        _span?.SetTag(ProxyTracing.BrokerTag, route.MetricName);
        _info = new KafkaConnectionInfo(Id, _client.RemoteEndPoint, route.Upstream, _client.LocalEndPoint) { ServerName = _info.ServerName, VirtualCluster = _info.VirtualCluster };
        _response = null; // made again for the new info
    }

    // TLS with the client when the listeners speak it; the plain stream otherwise.
    private async ValueTask<Stream?> SecureClientAsync()
    {
        Stream stream = new SocketReadStream(_client);
        if (!_preread.IsEmpty)
        {
            stream = new PrereadStream(_preread, stream);
        }

        if (_context.ClientTls is not { } tls)
        {
            return stream;
        }

        using var step = ProxyTracing.StartStep(ProxyTracing.ClientTlsSpan);
        try
        {
            var secured = await tls.AuthenticateAsync(stream, _context.Settings.Current.ClientTlsHandshakeTimeout).ConfigureAwait(false);
            _info.ServerName = string.IsNullOrEmpty(secured.TargetHostName) ? null : secured.TargetHostName;
            return secured;
        }
        catch (HandshakeFailedException ex)
        {
            Log.ClientSecurityFailed(_context.Loggers.ClientTls, Id, Broker, ex.Message);
            ProxyTracing.StepFailed(step, ex.Message);
            _context.Metrics.ClientSecurityFailed(ex.Stage);
            return null;
        }
    }

    // TLS and SASL with the broker, when configured, before any client frame is forwarded; the plain stream otherwise.
    private async ValueTask<Stream?> SecureUpstreamAsync(Socket upstream)
    {
        if (_context.UpstreamSecurity is not { } security)
        {
            return new SocketReadStream(upstream);
        }

        using var step = ProxyTracing.StartStep(ProxyTracing.UpstreamSecuritySpan);
        try
        {
            var startedAt = _clock.Provider.GetUtcNow();
            var (stream, sessionLifetimeMs) = await security.OpenAsync(upstream, Route.Upstream.Host, Broker, _context.Settings.Current).ConfigureAwait(false);
            _info.UpstreamSession = (startedAt, sessionLifetimeMs);
            return stream;
        }
        catch (HandshakeFailedException ex)
        {
            Log.UpstreamSecurityFailed(_context.Loggers.UpstreamSecurity, Id, ex.Stage, Broker, ex.Message);
            ProxyTracing.StepFailed(step, ex.Message);
            _context.Metrics.UpstreamSecurityFailed(Broker, ex.Stage);
            return null;
        }
    }

    private async Task PumpRequestsAsync(PipeReader client, PipeWriter upstream)
    {
        // The connection filters' first turns: asked here, so that a filter that throws ends the connection as any failure.
        _turns = ConnectionTurns.Start(_context.Settings.Current.Filters.Connections, _info, _clock);
        long remaining = 0;
        while (true)
        {
            var result = await client.ReadAsync().ConfigureAwait(false);
            if (result.IsCanceled && _draining)
            {
                return;
            }

            var buffer = result.Buffer;
            bool wrote = ForwardRequests(ref buffer, ref remaining, upstream, out bool blocked);
            while (_toFilter is { } wanted)
            {
                // A request some filter wants, whole: the filters decide it after the earlier requests were written.
                _toFilter = null;
                var frame = buffer.Slice(0, KafkaFrame.SizePrefixLength + (long)wanted.Size);
                wrote = await FilterRequestAsync(frame, wanted.Header, wanted.ExpectsResponse, wanted.Filters, upstream, wrote).ConfigureAwait(false);
                buffer = buffer.Slice(frame.End);
                wrote |= ForwardRequests(ref buffer, ref remaining, upstream, out blocked);
            }

            bool turn = remaining == 0 && _turns?.IsDue == true;
            Touch(ref _lastActivity);
            if (wrote)
            {
                // Before the reader advances: a socket's writer sends pass-through bytes from the reader's buffer.
                await FlushAsync(upstream, toClient: false).ConfigureAwait(false);
            }

            // Stopped at a frame boundary (for a connection filter's turn, or for room): the rest is not examined, so the
            // next read returns it at once.
            client.AdvanceTo(buffer.Start, turn || blocked ? buffer.Start : buffer.End);
            if (remaining >= SpliceThreshold && _splicing is { } plain && !result.IsCompleted)
            {
                // The reader has handed over all it had and the rest of a big frame is still in the socket: in the kernel.
                _requestSplicer ??= new SocketSplicer(plain.Pipes, plain.Client, plain.Upstream.Connection, this, toClient: false, _context.Loggers.Engine);
                long moved = await _requestSplicer.MoveAsync(remaining).ConfigureAwait(false);
                remaining -= moved;
                continue;
            }

            if (blocked)
            {
                await _inFlight.WaitForRoomAsync().ConfigureAwait(false);
            }
            else if (turn)
            {
                _filterUpstream = upstream;
                var settings = _context.Settings.Current;
                await _turns!.RunDueAsync(new KafkaConnectionTurn(_info, _sendOwnRequest ??= SendOwnRequestAsync), _requestFilterDeadline ??= new FilterDeadline(_clock.Provider), settings.FilterTimeout).ConfigureAwait(false);
            }
            else if (result.IsCompleted)
            {
                return;
            }
        }
    }

    // Forwards every whole or partial request in the buffer; stops where more bytes are needed, or (blocked) before a
    // request when the connection has the most requests in flight it may have.
    private bool ForwardRequests(ref ReadOnlySequence<byte> buffer, ref long remaining, PipeWriter upstream, out bool blocked)
    {
        var options = _context.Options;
        var filters = _context.Settings.Current.Filters; // once per buffer: a reconfiguration applies from the next one
        bool wrote = false;
        blocked = false;
        while (true)
        {
            if (remaining > 0)
            {
                if (!ForwardPassThrough(ref buffer, ref remaining, upstream))
                {
                    return wrote;
                }

                wrote = true;
                continue;
            }

            if (_turns?.IsDue == true || !KafkaFrame.TryReadSize(buffer, options.MaxFrameSize, out int size))
            {
                return wrote;
            }

            if (size < RequestHeader.PrefixLength)
            {
                throw new KafkaProtocolException($"request of {size} bytes is shorter than a request header", offset: 0);
            }

            var payload = buffer.Slice(KafkaFrame.SizePrefixLength);
            if (!RequestHeader.TryReadPrefix(payload, out var header))
            {
                return wrote;
            }

            if (header.ApiVersion < 0)
            {
                // No client sends one, and no filter table or rewriter can know its layout (a broker closes too).
                throw new KafkaProtocolException($"request with api key {header.ApiKey} has a negative version {header.ApiVersion}", header.ApiKey, header.ApiVersion, offset: 2);
            }

            bool expectsResponse = true;
            if (header.ApiKey == (short)ApiKey.Produce)
            {
                bool complete = payload.Length >= size;
                if (!ProduceRequestReader.TryReadAcks(complete ? payload.Slice(0, size) : payload, complete, header, out short acks))
                {
                    return wrote;
                }

                expectsResponse = acks != 0;
            }

            if (filters.Requests.Wants(header.ApiKey, header.ApiVersion))
            {
                // Read whole before the filters see it; and room first, since a filter may answer it itself.
                if (payload.Length < size)
                {
                    return wrote;
                }

                if (expectsResponse && !_inFlight.HasRoom)
                {
                    blocked = true;
                    return wrote;
                }

                _toFilter = (header, size, expectsResponse, filters);
                return wrote;
            }

            if (expectsResponse)
            {
                if (!_inFlight.TryAdd(new(header.ApiKey, header.ApiVersion, header.CorrelationId, Stopwatch.GetTimestamp()), out bool first))
                {
                    // At the limit: leave this request unread until a response makes room.
                    blocked = true;
                    return wrote;
                }

                if (first)
                {
                    // The broker owes an answer from now on: UpstreamReadTimeout counts from here, not from its last
                    // answer, which may be long ago on a connection that was quiet.
                    Touch(ref _lastUpstreamActivity);
                }
            }

            _context.Metrics.Request(Broker, header.ApiKey, header.ApiVersion, KafkaFrame.SizePrefixLength + (long)size);
            remaining = KafkaFrame.SizePrefixLength + (long)size;
        }
    }

    // Runs the filters on one whole request and carries out their decision; true when written bytes wait for a flush
    // (the earlier requests', unflushed, and this one's). Filters that finish at once cost no flush of their own: the
    // requests of one read still leave in one write, filtered or not; one that waits first lets the earlier ones go.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FilterRequestAsync(ReadOnlySequence<byte> frame, RequestHeader header, bool expectsResponse, FilterChains filters, PipeWriter upstream, bool unflushed)
    {
        var payload = frame.Slice(KafkaFrame.SizePrefixLength);
        var reader = new KafkaReader(payload, header.ApiKey, header.ApiVersion);
        string? clientId = header.ReadClientId(ref reader);
        long headerLength = reader.Consumed;
        var request = new KafkaRequest(header, clientId, payload.Slice(0, headerLength), payload.Slice(headerLength), expectsResponse, _info);
        _filterUpstream = upstream;
        request.BrokerSender = _sendOwnRequest ??= SendOwnRequestAsync;
        try
        {
            var running = filters.RunAsync(request, _requestFilterDeadline ??= new FilterDeadline(_clock.Provider), _context.Settings.Current.FilterTimeout);
            if (running.IsCompletedSuccessfully)
            {
                running.GetAwaiter().GetResult();
            }
            else
            {
                if (unflushed)
                {
                    await FlushAsync(upstream, toClient: false).ConfigureAwait(false);
                    unflushed = false;
                }

                await running.ConfigureAwait(false);
            }
        }
        finally
        {
            request.BrokerSender = null; // the request pump's turn ends with the filters
        }

        _context.Metrics.Request(Broker, header.ApiKey, header.ApiVersion, frame.Length);
        switch (request.Decision)
        {
            case RequestDecision.Forward:
                Track(header, expectsResponse, localResponse: null);
                if (request.BodyReplaced)
                {
                    KafkaFrame.WriteSize(upstream, checked((int)(headerLength + request.Body.Length)));
                    upstream.Write(request.HeaderBytes);
                    upstream.Write(request.Body);
                }
                else
                {
                    IPassThroughWriter.Forward(upstream, frame); // the reader's bytes, flushed before it advances
                }

                return true;
            case RequestDecision.Respond:
                if (request.RefusalReason is { } refusal)
                {
                    _context.Metrics.RequestRefused(header.ApiKey, request.DecidedBy!);
                    Log.RequestRefusedByFilter(_context.Loggers.Connections, Id, Broker, request.DecidedBy!, header.ApiKey, header.ApiVersion, refusal);
                }

                Track(header, expectsResponse: true, LocalResponse.Frame(header, request.ResponseBody.Span));
                // The response pump is the one writer toward the client: wake it to send the answer in its turn.
                _upstreamReader?.CancelPendingRead();
                return unflushed;
            case RequestDecision.Drop:
                return unflushed;
            default:
                if (unflushed)
                {
                    // The requests before this one were the client's to send: they reach the broker before the close.
                    await FlushAsync(upstream, toClient: false).ConfigureAwait(false);
                }

                if (request.BuiltInRefusal is { } builtIn)
                {
                    // The proxy's own refusal (the api-key gate): its reason is the whole message.
                    _context.Metrics.RequestRefused(header.ApiKey, builtIn);
                    throw new ProxyLimitException(request.CloseReason!);
                }

                _context.Metrics.RequestRefused(header.ApiKey, "filter");
                throw new ProxyLimitException($"filter '{request.DecidedBy}' closed the connection: {request.CloseReason}");
        }
    }

    // A filter's own request to the broker, sent in the request pump's turn; returns the response body after its header.
    private async Task<ReadOnlyMemory<byte>> SendOwnRequestAsync(short apiKey, short apiVersion, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var upstream = _filterUpstream ?? throw new InvalidOperationException("The request pump sets the upstream writer before the filters run.");
        byte[] answer = await _ownRequests.SendAsync(upstream, (ApiKey)apiKey, apiVersion, w => w.Write(body.Span), cancellationToken).ConfigureAwait(false);
        if (KafkaApis.ResponseHeaderVersion(apiKey, apiVersion) == 0)
        {
            return answer;
        }

        var reader = new KafkaReader(new ReadOnlySequence<byte>(answer), apiKey, apiVersion);
        reader.SkipTaggedFields();
        return answer.AsMemory((int)reader.Consumed);
    }

    // A request now awaiting its response: from the broker, or (localResponse) from the proxy, in its turn.
    private void Track(in RequestHeader header, bool expectsResponse, byte[]? localResponse)
    {
        if (!expectsResponse)
        {
            return;
        }

        // Room was checked before the filters ran, and only this pump adds.
        if (!_inFlight.TryAdd(new(header.ApiKey, header.ApiVersion, header.CorrelationId, Stopwatch.GetTimestamp(), LocalResponse: localResponse), out bool first))
        {
            throw new InvalidOperationException("No room in flight for a filtered request.");
        }

        if (first && localResponse is null)
        {
            Touch(ref _lastUpstreamActivity);
        }
    }

    private async Task PumpResponsesAsync(PipeReader upstream, PipeWriter client)
    {
        long remaining = 0;
        while (true)
        {
            var result = await upstream.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            bool wrote = ForwardResponses(ref buffer, ref remaining, client);
            UndiscoveredBrokerException? undiscovered = _streamedFetch?.TakeUndiscovered();
            while (undiscovered is null && _responseToFilter is { } wanted)
            {
                // A response some filter wants, whole: the filters see it after the earlier responses were written.
                _responseToFilter = null;
                try
                {
                    await FilterResponseAsync(wanted, client, wrote).ConfigureAwait(false);
                }
                catch (UndiscoveredBrokerException ex)
                {
                    // The address rewriting met a broker without a listener: nothing of this response was written (addresses
                    // are looked up before any edit is made) and its request stays at the head. One broker at a time: a
                    // response naming k new brokers is read k + 1 times, once in the life of the process.
                    undiscovered = ex;
                    break;
                }

                buffer = buffer.Slice(wanted.Consumed);
                wrote = true;
                wrote |= ForwardResponses(ref buffer, ref remaining, client);
                undiscovered = _streamedFetch?.TakeUndiscovered();
            }

            Touch(ref _lastActivity);
            Touch(ref _lastUpstreamActivity);
            if (wrote)
            {
                // Before the reader advances: a socket's writer sends pass-through bytes from the reader's buffer.
                await FlushAsync(client, toClient: true).ConfigureAwait(false);
            }

            // Stopped before a response (or a streamed one's tagged fields) that names a broker without a listener: the
            // rest is not examined, so the next read returns it at once, to be rewritten again once the listener runs.
            upstream.AdvanceTo(buffer.Start, undiscovered is null ? buffer.End : buffer.Start);
            if (undiscovered is not null)
            {
                _context.DynamicListeners!.Start(undiscovered);
                continue;
            }

            if (_splicing is { } plain && !result.IsCompleted)
            {
                // The reader has handed over all it had and the rest of a big frame (or of a streamed Fetch response's
                // records) is still in the socket: in the kernel.
                long rest = remaining > 0 ? remaining : _streamedFetch?.PassOverNext ?? 0;
                if (rest >= SpliceThreshold)
                {
                    _responseSplicer ??= new SocketSplicer(plain.Pipes, plain.Upstream, plain.Client.Connection, this, toClient: true, _context.Loggers.Engine);
                    long moved = await _responseSplicer.MoveAsync(rest).ConfigureAwait(false);
                    if (remaining > 0)
                    {
                        remaining -= moved;
                    }
                    else
                    {
                        _streamedFetch!.PassedOver(moved);
                    }
                }
            }

            if (_draining && remaining == 0 && _inFlight.Count == 0)
            {
                _drained.TrySetResult();
                return;
            }

            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    private bool ForwardResponses(ref ReadOnlySequence<byte> buffer, ref long remaining, PipeWriter client)
    {
        var filters = _context.Settings.Current.Filters;
        bool wrote = false;
        while (true)
        {
            if (_streamedFetch is { InProgress: true } streamed)
            {
                bool done = streamed.Advance(ref buffer, client, out bool forwarded);
                wrote |= forwarded;
                if (!done)
                {
                    return wrote;
                }

                _inFlight.RemoveFirst();
                continue;
            }

            if (remaining > 0)
            {
                if (!ForwardPassThrough(ref buffer, ref remaining, client))
                {
                    return wrote;
                }

                wrote = true;
                continue;
            }

            // Answers the proxy gave itself go out in their turn, between the broker's.
            while (_inFlight.TryPeek(out var head) && head.LocalResponse is { } local)
            {
                if (filters.Responses.Wants(head.ApiKey, head.ApiVersion))
                {
                    _responseToFilter = new ResponseToFilter(head, new ReadOnlySequence<byte>(local), Consumed: 0, AnsweredByProxy: true, filters);
                    return wrote;
                }

                _inFlight.RemoveFirst();
                client.Write(local);
                _context.Metrics.Response(Broker, head.ApiKey, local.Length, head.StartTimestamp);
                wrote = true;
            }

            if (!KafkaFrame.TryReadSize(buffer, _context.Options.MaxFrameSize, out int size))
            {
                return wrote;
            }

            if (size < ResponseHeader.CorrelationIdLength)
            {
                throw new KafkaProtocolException($"response of {size} bytes is shorter than a response header", offset: 0);
            }

            var payload = buffer.Slice(KafkaFrame.SizePrefixLength);
            if (!ResponseHeader.TryReadCorrelationId(payload, out int correlationId))
            {
                return wrote;
            }

            if (!_inFlight.TryPeek(out var request))
            {
                throw new KafkaProtocolException($"the broker sent a response (correlation id {correlationId}) with no request waiting", offset: 0);
            }

            if (request.CorrelationId != correlationId)
            {
                throw new KafkaProtocolException($"the broker answered correlation id {correlationId} while {request.CorrelationId} was next", request.ApiKey, request.ApiVersion, 0);
            }

            if (request.Internal)
            {
                // The answer to the proxy's own request (re-authentication, a filter's): it never reaches the client.
                if (payload.Length < size)
                {
                    return wrote;
                }

                _inFlight.RemoveFirst();
                _ownRequests.OnResponse(payload.Slice(0, size));
                buffer = buffer.Slice(KafkaFrame.SizePrefixLength + (long)size);
                continue;
            }

            if (filters.Responses.Wants(request.ApiKey, request.ApiVersion))
            {
                if (StreamedFetchRewrite.Applies(filters.Responses, request, out var rewriting))
                {
                    // Only the address rewriting wants it: out as it arrives, its request retired once it is all out.
                    (_streamedFetch ??= new StreamedFetchRewrite(_context, Id, Broker)).Start(request, size, rewriting);
                    continue;
                }

                // Read whole and handed to the filters next (the address rewriting is one of them).
                if (payload.Length < size)
                {
                    return wrote;
                }

                long frameLength = KafkaFrame.SizePrefixLength + (long)size;
                _responseToFilter = new ResponseToFilter(request, buffer.Slice(0, frameLength), frameLength, AnsweredByProxy: false, filters);
                return wrote;
            }

            remaining = KafkaFrame.SizePrefixLength + (long)size;
            _inFlight.RemoveFirst();
            _context.Metrics.Response(Broker, request.ApiKey, KafkaFrame.SizePrefixLength + (long)size, request.StartTimestamp);
            wrote = true;
        }
    }

    // Runs the response filters on one whole response and sends what they leave; the head of the in-flight ring is its request.
    // Filters that finish at once (the address rewriting does) cost no flush and no task of their own; one that waits
    // first lets the earlier responses go.
    private ValueTask FilterResponseAsync(ResponseToFilter wanted, PipeWriter client, bool unflushed)
    {
        var entry = wanted.Request;
        var payload = wanted.Frame.Slice(KafkaFrame.SizePrefixLength);
        var reader = new KafkaReader(payload, entry.ApiKey, entry.ApiVersion);
        ResponseHeader.Skip(ref reader, entry.ApiKey, entry.ApiVersion);
        long headerLength = reader.Consumed;
        var response = _response ??= new KafkaResponse(_info);
        response.Reset(entry.ApiKey, entry.ApiVersion, entry.CorrelationId, payload.Slice(0, headerLength), payload.Slice(headerLength), wanted.AnsweredByProxy);
        var running = wanted.Filters.RunAsync(response, _responseFilterDeadline ??= new FilterDeadline(_clock.Provider), _context.Settings.Current.FilterTimeout);
        if (running.IsCompletedSuccessfully)
        {
            running.GetAwaiter().GetResult();
            SendFiltered(wanted, client);
            return ValueTask.CompletedTask;
        }

        return WaitThenSendAsync(running, wanted, client, unflushed);
    }

    private async ValueTask WaitThenSendAsync(ValueTask running, ResponseToFilter wanted, PipeWriter client, bool unflushed)
    {
        if (unflushed)
        {
            await FlushAsync(client, toClient: true).ConfigureAwait(false);
        }

        await running.ConfigureAwait(false);
        SendFiltered(wanted, client);
    }

    // Writes what the filters left of the response in _response (or closes the connection, as one of them decided).
    private void SendFiltered(ResponseToFilter wanted, PipeWriter client)
    {
        var entry = wanted.Request;
        var response = _response!; // made by FilterResponseAsync
        if (response.CloseReason is { } reason)
        {
            _context.Metrics.RequestRefused(entry.ApiKey, "filter");
            throw new ProxyLimitException($"filter '{response.ClosedBy}' closed the connection instead of sending the response to api key {entry.ApiKey} v{entry.ApiVersion} (correlation id {entry.CorrelationId}): {reason}");
        }

        _inFlight.RemoveFirst();
        long length = wanted.Frame.Length;
        if (response.BodyReplaced || response.HasEdits)
        {
            // The header, then the body's untouched ranges straight from the read buffer with the edits between.
            length = response.WriteTo(client);
        }
        else
        {
            IPassThroughWriter.Forward(client, wanted.Frame); // the reader's bytes (or the proxy's own answer), flushed before it advances
        }

        _context.Metrics.Response(Broker, entry.ApiKey, length, entry.StartTimestamp);
    }

    // A plain TCP socket gets the writer that sends pass-through bytes from the reader's buffer without a copy; TLS and
    // the chaos toxics need a stream, so their bytes are copied into the stream's writer.
    private static PipeWriter CreateWriter(Stream stream) =>
        stream is SocketReadStream plain ? new SocketFrameWriter(plain.Connection) : PipeWriter.Create(stream, WriterOptions);

    // Queues what has arrived of a pass-through frame (by reference when the writer is a socket's: the pumps flush
    // before they advance their reader); false when nothing has arrived yet.
    private static bool ForwardPassThrough(ref ReadOnlySequence<byte> buffer, ref long remaining, PipeWriter destination)
    {
        if (buffer.IsEmpty)
        {
            return false;
        }

        long take = Math.Min(remaining, buffer.Length);
        IPassThroughWriter.Forward(destination, buffer.Slice(0, take));
        buffer = buffer.Slice(take);
        remaining -= take;
        return true;
    }

    // Pooled: a flush that waits for a slow peer (a big Fetch response to a consumer) would otherwise allocate its
    // state machine each time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushAsync(PipeWriter writer, bool toClient)
    {
        // Each direction keeps its own stamp: with one shared stamp, the request pump's finished writes cleared the
        // stamp of a response write still blocked on a client that stopped reading, and WriteTimeout never fired.
        Interlocked.Exchange(ref toClient ? ref _clientFlushStarted : ref _upstreamFlushStarted, _clock.NowMs);
        await writer.FlushAsync().ConfigureAwait(false);
        Interlocked.Exchange(ref toClient ? ref _clientFlushStarted : ref _upstreamFlushStarted, 0);
    }

    private void Touch(ref long timestamp) => Interlocked.Exchange(ref timestamp, _clock.NowMs);

    void ISpliceProgress.Arrived(bool toClient)
    {
        Touch(ref _lastActivity);
        if (toClient)
        {
            Touch(ref _lastUpstreamActivity);
        }
    }

    void ISpliceProgress.Moved(bool toClient, long bytes) => _context.Metrics.Spliced(toClient, bytes);

    void ISpliceProgress.SendWaiting(bool toClient, bool waiting) =>
        Interlocked.Exchange(ref toClient ? ref _clientFlushStarted : ref _upstreamFlushStarted, waiting ? _clock.NowMs : 0);

    private async Task<string?> DescribeFailureAsync(Task first)
    {
        try
        {
            await first.ConfigureAwait(false);
            return null;
        }
        catch (KafkaProtocolException ex)
        {
            _context.Metrics.FrameRejected(ex.Offset == 0 && ex.ApiKey < 0 ? "bad_frame" : "bad_message");
            return ex.Message;
        }
        catch (ProxyLimitException ex)
        {
            return ex.Message;
        }
        catch (HandshakeFailedException ex)
        {
            _context.Metrics.UpstreamSecurityFailed(Broker, ex.Stage);
            return $"re-authentication with the broker failed: {ex.Message}";
        }
        catch (UnmappedBrokerException ex)
        {
            Log.UnmappedBroker(_context.Loggers.Connections, ex.Message);
            return ex.Message;
        }
        catch (DynamicListenerException ex)
        {
            return ex.Message;
        }
        catch (FilterFailedException ex)
        {
            // A filter's bug ends only its connection: the reason names the filter; the stack is for its author.
            Log.FilterFailed(_context.Loggers.Connections, Id, Broker, ex.Filter, ex.InnerException);
            return ex.Message;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A peer went away or the connection was aborted: ordinary ends of a connection.
            return null;
        }
    }

    private static async ValueTask SafeCompleteAsync(PipeWriter writer)
    {
        try
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // Completing flushes what is left; the socket is already gone.
        }
    }
}
