using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Net;
using System.Security.Cryptography;
using System.Threading.Channels;
using Chain.Core.Ledger;
using Chain.Network.Handshake;
using Chain.Network.Transport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chain.Network.Peers;

/// <summary>
/// Owns the node's peer connections: listens for inbound peers (capped overall and per address), keeps the
/// configured neighbours connected (redialling with exponential backoff and jitter), keeps one connection per pair of
/// nodes, and publishes what happens on <see cref="Events"/>, which the host must keep reading.
/// </summary>
public sealed class PeerManager : BackgroundService
{
    /// <summary>Reason given to the connection dropped when two nodes hold two connections.</summary>
    public const string DuplicateReason = DisconnectCode.DuplicateConnection;

    /// <summary>Reason given to peers when the node stops.</summary>
    public const string ShutdownReason = DisconnectCode.ShuttingDown;

    /// <summary>Why an inbound connection from a discouraged address is reset at accept (local log only).</summary>
    public const string DiscouragedRefusal = "discouraged (sent invalid data recently)";

    /// <summary>Why an inbound connection from an address the operator banned is reset at accept (local log only).</summary>
    public const string BannedRefusal = "banned";

    /// <summary>Why an inbound connection over its address's or group's handshake rate is reset at accept (local log only).</summary>
    public const string HandshakeRateRefusal = "handshake rate limit";

    private const int ListenBacklog = 128;

    /// <summary>
    /// Size of the buffers a connection reads its socket into (the pipe's default is 4 KiB, which took some 200
    /// reads, each a pass of the read loop, for one 800 KB block message).
    /// </summary>
    public const int ReadBufferSize = 64 * 1024;

    // The least free space a read is started with, so a read rarely fetches only a few bytes.
    private const int MinimumReadSize = 16 * 1024;

    /// <summary>Most refused addresses remembered; beyond it, expired ones are dropped, then the soonest to expire.</summary>
    public const int MaxRefusedAddresses = 10_000;

    private readonly PeerManagerOptions _options;
    private readonly NodeKey _nodeKey;
    private readonly NetworkIdentity _network;
    private readonly IChainStatusProvider _chainStatus;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<PeerEvent> _events;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PeerConnection> _peers = new(StringComparer.Ordinal);
    private readonly Dictionary<IPAddress, int> _inboundByAddress = [];
    private readonly Dictionary<IPAddress, int> _inboundByGroup = [];

    // Orders network groups for eviction's group protection; secret, so no peer can aim at it.
    private readonly int _groupSecret = RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue);
    // The nonces of our handshakes in progress; the value turns true when one came back to our own listener.
    private readonly ConcurrentDictionary<string, bool> _ownNonces = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _tasks = new();
    private readonly ConcurrentDictionary<IPAddress, DateTimeOffset> _refused = new();
    private readonly ConcurrentDictionary<IPAddress, BanEntry> _bans = new();
    private readonly ConcurrentDictionary<string, Neighbour> _neighbours = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stopping = new();
    private readonly HandshakeRateLimiter _handshakes;
    private readonly RefusalLog _refusals;
    private readonly RefusalLog _inboundFailures;
    private Socket? _listener;
    private int _inbound;
    private int _evicting;
    private long _inboundHandshakesStarted;

    /// <summary>Creates the manager (for dependency injection).</summary>
    public PeerManager(IOptions<PeerManagerOptions> options, NodeKey nodeKey, NetworkParameters network, IChainStatusProvider chainStatus, TimeProvider timeProvider, ILogger<PeerManager> logger)
        : this(options.Value, nodeKey, NetworkIdentity.From(network), chainStatus, timeProvider, logger)
    {
    }

    internal PeerManager(PeerManagerOptions options, NodeKey nodeKey, NetworkIdentity network, IChainStatusProvider chainStatus, TimeProvider timeProvider, ILogger logger)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(nameof(PeerManagerOptions), typeof(PeerManagerOptions), errors);
        }

        _options = options;
        _nodeKey = nodeKey;
        _network = network;
        _chainStatus = chainStatus;
        _time = timeProvider;
        _logger = logger;
        _events = Channel.CreateBounded<PeerEvent>(new BoundedChannelOptions(options.EventQueueCapacity) { SingleReader = true });
        _handshakes = new HandshakeRateLimiter(options.MaxHandshakeBurst, options.HandshakeInterval, options.LimitLoopbackHandshakes, timeProvider);
        _refusals = new RefusalLog(logger, timeProvider, "Inbound connection refused");
        _inboundFailures = new RefusalLog(logger, timeProvider, "Inbound handshake failed");
    }

    /// <summary>This node's id.</summary>
    public string NodeId => _nodeKey.NodeId;

    /// <summary>The address the listener is bound to, once started (null when not listening).</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>Connected, disconnected and payload events, for one reader; completed when the manager stops.</summary>
    public ChannelReader<PeerEvent> Events => _events.Reader;

    /// <summary>
    /// Raised when a handshake succeeded and the connection became a peer, just before its
    /// <see cref="PeerConnectedEvent"/> is published; for observers beside the one reader of <see cref="Events"/>.
    /// Handlers must be quick (signal, enqueue); one that throws is ignored.
    /// </summary>
    public event Action<PeerConnection>? PeerConnected;

    /// <summary>Raised when a peer announced by <see cref="PeerConnected"/> is gone, with why; handlers as for <see cref="PeerConnected"/>.</summary>
    public event Action<PeerConnection, string>? PeerDisconnected;

    /// <summary>A snapshot of the connected peers.</summary>
    public IReadOnlyList<PeerConnection> Peers
    {
        get
        {
            lock (_gate)
            {
                return [.. _peers.Values];
            }
        }
    }

    /// <summary>Inbound connections holding a slot (handshakes included).</summary>
    internal int InboundCount
    {
        get
        {
            lock (_gate)
            {
                return _inbound;
            }
        }
    }

    /// <summary>Inbound handshakes started since the start (each costs the responder its RSA work), for tests.</summary>
    internal long InboundHandshakesStarted => Interlocked.Read(ref _inboundHandshakesStarted);

    /// <summary>The log of refused inbound connections, for tests.</summary>
    internal RefusalLog Refusals => _refusals;

    /// <summary>The connection to <paramref name="nodeId"/>, if any.</summary>
    public PeerConnection? FindPeer(string nodeId)
    {
        lock (_gate)
        {
            return _peers.GetValueOrDefault(nodeId);
        }
    }

    /// <summary>
    /// Refuses inbound connections from <paramref name="address"/> until <paramref name="until"/>: they are reset on
    /// accept, before any handshake work (no key exchange, no RSA) is spent on them.
    /// </summary>
    public void Refuse(IPAddress address, DateTimeOffset until)
    {
        ArgumentNullException.ThrowIfNull(address);
        var now = _time.GetUtcNow();
        if (_refused.Count >= MaxRefusedAddresses)
        {
            foreach (var (known, expiry) in _refused)
            {
                if (expiry <= now)
                {
                    _refused.TryRemove(known, out _);
                }
            }

            foreach (var (known, _) in _refused.OrderBy(e => e.Value).Take(Math.Max(0, _refused.Count - MaxRefusedAddresses + 1)))
            {
                _refused.TryRemove(known, out _);
            }
        }

        // A shorter refusal never cuts a longer one short.
        _refused.AddOrUpdate(RefusalKey(address), until, (_, existing) => existing > until ? existing : until);
    }

    /// <summary>Whether inbound connections from <paramref name="address"/> are refused now.</summary>
    public bool IsRefused(IPAddress address) =>
        _refused.TryGetValue(RefusalKey(address), out var until) && until > _time.GetUtcNow();

    /// <summary>The bans in force, soonest to end first (expired ones are dropped here).</summary>
    public IReadOnlyList<BanEntry> Bans
    {
        get
        {
            var now = _time.GetUtcNow();
            foreach (var (address, ban) in _bans)
            {
                if (ban.Until <= now)
                {
                    _bans.TryRemove(new KeyValuePair<IPAddress, BanEntry>(address, ban));
                }
            }

            return [.. _bans.Values.Where(b => b.Until > now).OrderBy(b => b.Until).ThenBy(b => b.Address.ToString(), StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// Bans <paramref name="address"/> for <paramref name="duration"/> (a ban already there is replaced): connections
    /// from it are reset at accept, before any handshake work, it is not dialled, and peers connected from it are
    /// disconnected now. Applies to every address, loopback included (unlike discouragement).
    /// </summary>
    public BanEntry Ban(IPAddress address, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var now = _time.GetUtcNow();
        var entry = new BanEntry(BanKey(address), now, now + duration);
        _bans[entry.Address] = entry;
        foreach (var peer in Peers.Where(p => BanKey(p.RemoteEndPoint.Address).Equals(entry.Address)))
        {
            _ = peer.DisconnectAsync(DisconnectCode.Closed, "banned by the operator");
        }

        return entry;
    }

    /// <summary>Puts back a ban kept from an earlier run (ignored once it has ended).</summary>
    public void RestoreBan(BanEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Until > _time.GetUtcNow())
        {
            _bans[BanKey(entry.Address)] = entry with { Address = BanKey(entry.Address) };
        }
    }

    /// <summary>Lifts the ban on <paramref name="address"/>; false when it was not banned.</summary>
    public bool Unban(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return _bans.TryRemove(BanKey(address), out var ban) && ban.Until > _time.GetUtcNow();
    }

    /// <summary>Whether <paramref name="address"/> is banned now.</summary>
    public bool IsBanned(IPAddress address) =>
        _bans.TryGetValue(BanKey(address), out var ban) && ban.Until > _time.GetUtcNow();

    /// <summary>The neighbours kept connected (redialled when lost): the configured ones and those added since.</summary>
    public IReadOnlyList<PeerAddress> Neighbours => [.. _neighbours.Values.Select(n => n.Address)];

    /// <summary>
    /// Keeps <paramref name="address"/> connected from now on, redialling it with backoff whenever the connection is
    /// lost; <paramref name="current"/> is a connection to it already made (waited on before the first redial).
    /// False when that host and port is already a neighbour.
    /// </summary>
    public bool AddNeighbour(PeerAddress address, PeerConnection? current = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        var neighbour = new Neighbour(address, CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token)) { NodeId = current?.NodeId };
        if (!_neighbours.TryAdd(NeighbourKey(address), neighbour))
        {
            neighbour.Stop.Dispose();
            return false;
        }

        Track(RunNeighbourAsync(neighbour, current));
        return true;
    }

    /// <summary>
    /// Stops keeping neighbours connected: those at one of <paramref name="hostsAndPorts"/> (host and port compared),
    /// and those whose last connection was to, or that are pinned to, one of <paramref name="nodeIds"/>. Their
    /// connections stay open (close them with <see cref="PeerConnection.DisconnectAsync"/>). Returns the neighbours dropped.
    /// </summary>
    public IReadOnlyList<PeerAddress> RemoveNeighbours(IReadOnlyCollection<PeerAddress> hostsAndPorts, IReadOnlyCollection<string> nodeIds)
    {
        ArgumentNullException.ThrowIfNull(hostsAndPorts);
        ArgumentNullException.ThrowIfNull(nodeIds);
        var keys = hostsAndPorts.Select(NeighbourKey).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var ids = nodeIds.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var removed = new List<PeerAddress>();
        foreach (var (key, neighbour) in _neighbours)
        {
            var matches = keys.Contains(key)
                || (neighbour.NodeId is { } reached && ids.Contains(reached))
                || (neighbour.Address.NodeId is { } pinned && ids.Contains(pinned));
            if (matches && _neighbours.TryRemove(new KeyValuePair<string, Neighbour>(key, neighbour)))
            {
                removed.Add(neighbour.Address);
                try
                {
                    neighbour.Stop.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // Its loop had already ended.
                }
            }
        }

        return removed;
    }

    /// <summary>Queues a payload for one peer; false when not connected or the peer's queue overflowed.</summary>
    public bool Send(string nodeId, ReadOnlyMemory<byte> payload) => FindPeer(nodeId)?.TrySend(payload) ?? false;

    /// <summary>Queues a payload for every peer except <paramref name="except"/>; returns how many accepted it.</summary>
    public int Broadcast(ReadOnlyMemory<byte> payload, PeerConnection? except = null) =>
        Peers.Count(peer => peer != except && peer.TrySend(payload));

    /// <summary>Dials <paramref name="host"/>:<paramref name="port"/> once (the console's connect command).</summary>
    /// <returns>The connection to that node (an existing one when already connected).</returns>
    /// <exception cref="PeerProtocolException">The handshake failed or was refused.</exception>
    /// <exception cref="SocketException">The TCP connection failed.</exception>
    /// <exception cref="TimeoutException">The TCP connection timed out.</exception>
    public Task<PeerConnection> ConnectAsync(string host, int port, CancellationToken cancellationToken = default) =>
        ConnectAsync(new PeerAddress(host, port), cancellationToken);

    /// <summary>Dials <paramref name="address"/> once, checking the pinned node id if it has one.</summary>
    public async Task<PeerConnection> ConnectAsync(PeerAddress address, CancellationToken cancellationToken = default) =>
        (await DialOnceAsync(address, cancellationToken)).Connection;

    /// <summary>
    /// Dials <paramref name="address"/> once, checking the pinned node id if it has one, and says whether that node was
    /// already connected. A pinned node already connected, or an outbound connection already open to that IP and port,
    /// is answered without dialling.
    /// </summary>
    /// <exception cref="PeerProtocolException">The handshake failed or was refused, or the address is banned.</exception>
    /// <exception cref="SocketException">The TCP connection failed.</exception>
    /// <exception cref="TimeoutException">The TCP connection timed out.</exception>
    public async Task<DialOutcome> DialOnceAsync(PeerAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        var open = Peers.FirstOrDefault(p => p.IsConnected
            && ((address.NodeId is not null && p.NodeId == address.NodeId)
                || (!p.IsInbound && IPAddress.TryParse(address.Host, out var ip) && p.RemoteEndPoint.Equals(Normalize(new IPEndPoint(ip, address.Port))))));
        if (open is not null)
        {
            return new DialOutcome(open, AlreadyConnected: true);
        }

        var dialled = await DialAsync(address, cancellationToken);
        return new DialOutcome(dialled.Winner, dialled.WasConnected);
    }

    /// <summary>Binds the listener (so the port is known when this returns), then starts the loops.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Listen)
        {
            var endPoint = new IPEndPoint(IPAddress.Parse(_options.ListenAddress), _options.ListenPort);
            var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
                {
                    listener.DualMode = true;
                }

                listener.Bind(endPoint);
                listener.Listen(ListenBacklog);
            }
            catch
            {
                listener.Dispose();
                throw;
            }

            _listener = listener;
            LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
            _logger.Listening(LocalEndPoint, NodeId);
        }

        return base.StartAsync(cancellationToken);
    }

    /// <summary>Stops listening and dialling, disconnects every peer and completes <see cref="Events"/>.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        _listener?.Dispose();
        await base.StopAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _listener?.Dispose();
        _stopping.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var link = stoppingToken.Register(() => _stopping.Cancel());
        var token = _stopping.Token;
        if (_listener is not null)
        {
            Track(AcceptLoopAsync(_listener, token));
        }

        foreach (var neighbour in _options.Neighbours)
        {
            AddNeighbour(PeerAddress.Parse(neighbour));
        }

        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, token);
        }
        catch (OperationCanceledException)
        {
        }

        _listener?.Dispose();
        var closing = Peers.Select(peer => peer.DisconnectAsync(ShutdownReason)).ToList();
        var grace = _options.CloseTimeout + _options.CloseTimeout;
        try
        {
            await Task.WhenAll([.. closing, .. _tasks.Keys]).WaitAsync(grace, _time, CancellationToken.None);
        }
        catch (TimeoutException)
        {
        }

        _events.Writer.TryComplete();
    }

    private void Track(Task task)
    {
        _tasks.TryAdd(task, 0);
        _ = task.ContinueWith(t => _tasks.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                continue;
            }
            catch (Exception e)
            {
                _logger.AcceptFailed(e);
                return;
            }

            // Refusals cost a reset and nothing more: no handshake work, and a log line only now and then (RefusalLog).
            var remote = Normalize(socket.RemoteEndPoint);
            var refusal = IsBanned(remote.Address) ? BannedRefusal
                : IsRefused(remote.Address) ? DiscouragedRefusal
                : !_handshakes.TryAcquire(remote.Address) ? HandshakeRateRefusal
                : TakeInboundSlot(remote.Address);
            if (refusal is not null)
            {
                _refusals.Record(remote, refusal);
                socket.LingerState = new LingerOption(true, 0);
                socket.Dispose();
                continue;
            }

            Track(HandleInboundAsync(socket, remote, cancellationToken));
        }
    }

    // Caps per address and per group refuse the newcomer; a full house evicts an established inbound peer for it
    // (InboundEviction), or refuses it when every one is protected. The evicted peer keeps its slot until it has
    // closed, so the count may exceed MaxInbound by the evictions in progress, never by more.
    private string? TakeInboundSlot(IPAddress address)
    {
        PeerConnection? victim = null;
        lock (_gate)
        {
            var fromAddress = _inboundByAddress.GetValueOrDefault(address);
            if (fromAddress >= _options.MaxInboundPerAddress)
            {
                return $"{nameof(PeerManagerOptions.MaxInboundPerAddress)} reached";
            }

            var group = NetworkGroup.Group(address);
            var fromGroup = _inboundByGroup.GetValueOrDefault(group);
            if (fromGroup >= _options.MaxInboundPerGroup)
            {
                return $"{nameof(PeerManagerOptions.MaxInboundPerGroup)} reached";
            }

            if (_inbound - _evicting >= _options.MaxInbound)
            {
                victim = SelectEvictionVictim();
                if (victim is null)
                {
                    return $"{nameof(PeerManagerOptions.MaxInbound)} reached, every inbound peer protected";
                }

                _evicting++;
            }

            _inbound++;
            _inboundByAddress[address] = fromAddress + 1;
            _inboundByGroup[group] = fromGroup + 1;
        }

        if (victim is not null)
        {
            _logger.PeerEvicted(victim.NodeId, victim.RemoteEndPoint, address);
            victim.Close(DisconnectCode.Evicted, graceful: true, $"inbound slot given to {address}");
        }

        return null;
    }

    // Under _gate: the established inbound peers not already leaving, as InboundEviction sees them.
    private PeerConnection? SelectEvictionVictim()
    {
        var candidates = _peers.Values
            .Where(p => p.IsInbound && p.IsConnected && !p.Evicted)
            .Select(p => new EvictionCandidate(p, NetworkGroup.Group(p.RemoteEndPoint.Address), p.MinPing, p.LastUsefulBlock, p.LastUsefulTransaction, p.ConnectedAt))
            .ToList();
        var victim = InboundEviction.SelectVictim(candidates, _groupSecret)?.Connection as PeerConnection;
        return victim is not null && victim.MarkEvicted() ? victim : null;
    }

    private void ReleaseInboundSlot(IPAddress address, PeerConnection? connection)
    {
        lock (_gate)
        {
            _inbound--;
            if (connection?.Evicted == true)
            {
                _evicting--;
            }

            if (--_inboundByAddress[address] == 0)
            {
                _inboundByAddress.Remove(address);
            }

            var group = NetworkGroup.Group(address);
            if (--_inboundByGroup[group] == 0)
            {
                _inboundByGroup.Remove(group);
            }
        }
    }

    private async Task HandleInboundAsync(Socket socket, IPEndPoint remote, CancellationToken cancellationToken)
    {
        PeerConnection? connection = null;
        try
        {
            connection = (await EstablishAsync(socket, remote, isInbound: true, expectedNodeId: null, cancellationToken)).Connection;
            await connection.Completion;
        }
        catch (Exception e) when (e is PeerProtocolException or IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Logged by EstablishAsync.
        }
        finally
        {
            ReleaseInboundSlot(remote.Address, connection);
        }
    }

    private async Task RunNeighbourAsync(Neighbour neighbour, PeerConnection? current)
    {
        try
        {
            await KeepConnectedAsync(neighbour, current, neighbour.Stop.Token);
        }
        finally
        {
            _neighbours.TryRemove(new KeyValuePair<string, Neighbour>(NeighbourKey(neighbour.Address), neighbour));
            neighbour.Stop.Dispose();
        }
    }

    private async Task KeepConnectedAsync(Neighbour neighbour, PeerConnection? current, CancellationToken cancellationToken)
    {
        var address = neighbour.Address;
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            string reason;
            try
            {
                var winner = current ?? (await DialAsync(address, cancellationToken, c => neighbour.NodeId = c.NodeId)).Winner;
                current = null;
                neighbour.NodeId = winner.NodeId;
                attempt = 0;
                await winner.Completion.WaitAsync(cancellationToken);
                reason = winner.DisconnectReason ?? "disconnected";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (PeerProtocolException e) when (e.Code == DisconnectCode.SelfConnection && !e.RefusedByPeer)
            {
                // Only our own detection (our nonce or node id came back) ends redialling; a peer's refusal
                // saying "self-connection" is its word, an ordinary failure retried with backoff.
                _logger.NeighbourIsSelf(address);
                return;
            }
            catch (Exception e) when (e is PeerProtocolException or SocketException or IOException or TimeoutException or ObjectDisposedException)
            {
                reason = e.Message;
            }

            var delay = Backoff.Compute(attempt++, _options.RedialInitialDelay, _options.RedialMaxDelay, Random.Shared);
            _logger.DialFailed(address, reason, delay);
            try
            {
                await Task.Delay(delay, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<Established> DialAsync(PeerAddress address, CancellationToken cancellationToken, Action<PeerConnection>? registered = null)
    {
        // A banned address is not dialled; a host name is checked once resolved, before any byte is sent.
        if (IPAddress.TryParse(address.Host, out var literal) && IsBanned(literal))
        {
            throw new PeerProtocolException($"{BanKey(literal)} is banned (unban it first)");
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var connectToken = CancellationTokenSource.CreateLinkedTokenSource(linked.Token, timeout.Token);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(address.Host, address.Port, connectToken.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !linked.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"Connecting to {address} timed out.");
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var remote = Normalize(socket.RemoteEndPoint);
        if (IsBanned(remote.Address))
        {
            socket.Dispose();
            throw new PeerProtocolException($"{remote.Address} is banned (unban it first)");
        }

        return await EstablishAsync(socket, remote, isInbound: false, address.NodeId, linked.Token, registered);
    }

    // registered: called as soon as the connection is one of the peers, before anyone is told.
    private async Task<Established> EstablishAsync(Socket socket, IPEndPoint remote, bool isInbound, string? expectedNodeId, CancellationToken cancellationToken, Action<PeerConnection>? registered = null)
    {
        socket.NoDelay = true;
        var stream = new NetworkStream(socket, ownsSocket: true);
        var input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: ReadBufferSize, minimumReadSize: MinimumReadSize, leaveOpen: true));
        var output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        var nonce = RandomNumberGenerator.GetBytes(PeerHandshake.NonceSize);
        var nonceKey = Convert.ToHexString(nonce);
        var direction = isInbound ? "inbound" : "outbound";
        HandshakeResult session;
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token, timeout.Token);
        _ownNonces.TryAdd(nonceKey, false);
        if (isInbound)
        {
            Interlocked.Increment(ref _inboundHandshakesStarted);
        }

        try
        {
            var settings = new HandshakeSettings
            {
                NodeKey = _nodeKey,
                Network = _network,
                ListenPort = LocalEndPoint?.Port ?? 0,
                Status = _chainStatus.GetStatus(),
                UserAgent = _options.UserAgent,
                Nonce = nonce,
                IsOwnNonce = IsOwnNonce,
            };
            session = await PeerHandshake.RunAsync(input, output, settings, !isInbound, expectedNodeId, linked.Token);
        }
        catch (Exception e)
        {
            await stream.DisposeAsync();
            await input.CompleteAsync();
            try
            {
                await output.CompleteAsync();
            }
            catch (Exception completeError) when (completeError is IOException or ObjectDisposedException or OperationCanceledException)
            {
            }

            if (e is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested && !_stopping.IsCancellationRequested)
            {
                const string reason = "handshake timed out";
                LogHandshakeFailed(remote, isInbound, reason);
                throw new PeerProtocolException(reason, e);
            }

            if (_ownNonces.TryGetValue(nonceKey, out var cameBack) && cameBack)
            {
                // Our hello reached our own listener, which refused it: we detected it ourselves, whatever the
                // refusal we read says.
                _logger.HandshakeFailed(remote, direction, DisconnectCode.SelfConnection);
                throw new PeerProtocolException(DisconnectCode.SelfConnection, e) { Code = DisconnectCode.SelfConnection };
            }

            LogHandshakeFailed(remote, isInbound, e.Message);
            if (e is PeerProtocolException { Code: DisconnectCode.SelfConnection })
            {
                // The peer's hello named our node id or nonce, but our listener never saw our hello: an echo or a
                // forgery, not proof that we dialled ourselves. An ordinary failure.
                throw new PeerProtocolException(e.Message, e);
            }

            throw;
        }
        finally
        {
            _ownNonces.TryRemove(nonceKey, out _);
        }

        var connection = new PeerConnection(stream, input, output, session, isInbound, remote, _options, _time, _logger, OnPayloadAsync, OnClosedAsync);
        var (winner, wasConnected) = Register(connection);
        registered?.Invoke(winner);
        if (winner != connection)
        {
            connection.Start();
            connection.Close(DuplicateReason, graceful: true);
            return new Established(connection, winner, WasConnected: true);
        }

        connection.Announced = true;
        _logger.PeerConnected(connection.NodeId, direction, remote, connection.Hello.BestHeight, PeerHandshake.Sanitize(connection.Hello.UserAgent));
        RaiseEach(PeerConnected, handler => handler(connection));
        await PublishAsync(new PeerConnectedEvent(connection));
        connection.Start();
        return new Established(connection, connection, wasConnected);
    }

    // Inbound failures are a peer's doing, as many as it likes: summarised. Our own dials fail one line each.
    private void LogHandshakeFailed(IPEndPoint remote, bool isInbound, string reason)
    {
        if (isInbound)
        {
            _inboundFailures.Record(remote, reason);
        }
        else
        {
            _logger.HandshakeFailed(remote, "outbound", reason);
        }
    }

    // One connection per pair of nodes: both sides keep the one dialled by the lower node id, so they agree.
    private (PeerConnection Winner, bool WasConnected) Register(PeerConnection candidate)
    {
        PeerConnection? displaced = null;
        lock (_gate)
        {
            if (_peers.TryGetValue(candidate.NodeId, out var existing) && existing.IsConnected)
            {
                var existingDialler = existing.IsInbound ? existing.NodeId : NodeId;
                var candidateDialler = candidate.IsInbound ? candidate.NodeId : NodeId;
                if (existingDialler == candidateDialler || string.CompareOrdinal(candidateDialler, existingDialler) > 0)
                {
                    return (existing, true);
                }

                displaced = existing;
            }

            _peers[candidate.NodeId] = candidate;
        }

        displaced?.Close(DuplicateReason, graceful: true);
        return (candidate, displaced is not null);
    }

    // A hello nonce is one of ours when a handshake of ours is in progress with it: mark it, so that handshake
    // knows its refusal came from us (the one proof that it dialled this node itself).
    private bool IsOwnNonce(ReadOnlyMemory<byte> nonce)
    {
        var key = Convert.ToHexString(nonce.Span);
        return _ownNonces.TryUpdate(key, true, false) || (_ownNonces.TryGetValue(key, out var marked) && marked);
    }

    private ValueTask OnPayloadAsync(PeerConnection peer, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        peer.Announced ? _events.Writer.WriteAsync(new PayloadReceivedEvent(peer, payload), cancellationToken) : ValueTask.CompletedTask;

    private async ValueTask OnClosedAsync(PeerConnection peer)
    {
        lock (_gate)
        {
            if (_peers.TryGetValue(peer.NodeId, out var current) && current == peer)
            {
                _peers.Remove(peer.NodeId);
            }
        }

        var reason = peer.DisconnectReason ?? "closed";
        _logger.PeerDisconnected(peer.NodeId, peer.RemoteEndPoint, reason);
        if (peer.Announced)
        {
            RaiseEach(PeerDisconnected, handler => handler(peer, reason));
            await PublishAsync(new PeerDisconnectedEvent(peer, reason));
        }
    }

    // An observer's failure is its own: the peer and the other observers carry on.
    private void RaiseEach<THandler>(THandler? handlers, Action<THandler> invoke)
        where THandler : Delegate
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in Delegate.EnumerateInvocationList(handlers))
        {
            try
            {
                invoke(handler);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.ObserverFailed(e);
            }
        }
    }

    private async ValueTask PublishAsync(PeerEvent peerEvent)
    {
        if (_events.Writer.TryWrite(peerEvent))
        {
            return;
        }

        try
        {
            await _events.Writer.WriteAsync(peerEvent, _stopping.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException or ObjectDisposedException)
        {
            // Stopping: nobody is left to read it.
        }
    }

    // What a refusal covers: an IPv4 address, or a whole IPv6 /64 (one subscriber's usual allocation, which an
    // attacker could otherwise walk through one address at a time).
    private static IPAddress RefusalKey(IPAddress address) => NetworkGroup.AddressKey(address);

    // A ban covers exactly the address given (IPv4-mapped IPv6 read as IPv4).
    private static IPAddress BanKey(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    // Neighbours are one per host and port, whatever node id is pinned.
    private static string NeighbourKey(PeerAddress address) => new PeerAddress(address.Host, address.Port).ToString();

    private readonly record struct Established(PeerConnection Connection, PeerConnection Winner, bool WasConnected);

    private sealed class Neighbour(PeerAddress address, CancellationTokenSource stop)
    {
        public PeerAddress Address { get; } = address;

        public CancellationTokenSource Stop { get; } = stop;

        // The node last connected through this neighbour, so disconnecting that node by id also forgets it.
        public string? NodeId { get; set; }
    }

    private static IPEndPoint Normalize(EndPoint? endPoint)
    {
        var ip = endPoint as IPEndPoint ?? new IPEndPoint(IPAddress.None, 0);
        return ip.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(ip.Address.MapToIPv4(), ip.Port) : ip;
    }
}
