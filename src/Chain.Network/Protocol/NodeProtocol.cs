using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Network.Handshake;
using Chain.Network.Messages;
using Chain.Network.Peers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chain.Network.Protocol;

/// <summary>
/// The message layer on top of <see cref="PeerManager"/>: relays transactions and blocks (announced by id,
/// fetched by those who lack them, each announced to a peer at most once and never back to where it came
/// from; new best-chain blocks are pushed at once as compact blocks), syncs the best chain from peers with
/// more work by block locator, and disconnects and discourages peers that send invalid data. One loop reads
/// the peer events in order; a second flushes announcements, at once after a quiet spell and in batches at most
/// every <see cref="AnnounceInterval"/> under load;
/// a third pushes new blocks as they connect.
/// </summary>
public sealed partial class NodeProtocol : BackgroundService
{
    /// <summary>
    /// Shortest time between two announcement flushes: the first announcement after a quiet spell goes out at once,
    /// what follows within this interval is batched (keeping per-message overhead down under load).
    /// </summary>
    public static readonly TimeSpan AnnounceInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a peer that sent invalid data is refused.</summary>
    public static readonly TimeSpan DiscouragementPeriod = TimeSpan.FromMinutes(10);

    /// <summary>How long a transaction request or a getblocks may wait for an answer before it lapses and another (or the same) peer is asked.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Connected blocks announced one by one; beyond this only the new tip is announced.</summary>
    public const int MaxBlocksAnnouncedPerUpdate = 16;

    private readonly Blockchain _chain;
    private readonly PeerManager _peers;
    private readonly TimeProvider _time;
    private readonly ILogger<NodeProtocol> _logger;
    private readonly ConcurrentDictionary<PeerConnection, PeerState> _states = new();
    private readonly ConcurrentQueue<Hash256> _txAnnouncements = new();
    private readonly ConcurrentQueue<Hash256> _blockAnnouncements = new();
    private readonly Channel<bool> _announceSignal = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly OrphanTransactions _orphanTxs;
    private readonly Lock _requestGate = new();
    private readonly Dictionary<Hash256, TxRequest> _txRequests = [];
    private readonly ConcurrentDictionary<string, DateTimeOffset> _discouraged = new(StringComparer.Ordinal);

    /// <summary>Creates the protocol for a ledger and its peer manager.</summary>
    public NodeProtocol(Blockchain chain, PeerManager peers, TimeProvider time, ILogger<NodeProtocol> logger)
    {
        _chain = chain;
        _peers = peers;
        _time = time;
        _logger = logger;
        _orphanTxs = new OrphanTransactions(time);
    }

    /// <summary>Number of peers the protocol is tracking.</summary>
    public int PeerCount => _states.Count;

    /// <summary>Called on the event loop just after a new peer became visible to the announce loop and the block pusher, before its connect-time inv is built (a test hook).</summary>
    internal Action<PeerConnection>? PeerVisible { get; set; }

    /// <summary>Whether a connection to <paramref name="nodeId"/> is being served (for tests and diagnostics).</summary>
    internal bool IsTracking(string nodeId) => _states.Keys.Any(peer => peer.NodeId == nodeId);

    /// <summary>Whether a node id or address is currently refused for having sent invalid data.</summary>
    public bool IsDiscouraged(string nodeIdOrAddress) =>
        _discouraged.TryGetValue(nodeIdOrAddress, out var until) && until > _time.GetUtcNow();

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _chain.TransactionAdded += OnTransactionAdded;
        _chain.TipChanged += OnTipChanged;
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _chain.TransactionAdded -= OnTransactionAdded;
        _chain.TipChanged -= OnTipChanged;
        await base.StopAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var announcer = AnnounceLoopAsync(stoppingToken);
        var pusher = BlockPushLoopAsync(stoppingToken);
        try
        {
            await foreach (var peerEvent in _peers.Events.ReadAllAsync(stoppingToken))
            {
                try
                {
                    Handle(peerEvent);
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    // Whatever one peer sent must not stop the node serving the others.
                    LogHandlerFailed(_logger, peerEvent.Peer.ToString(), e);
                    _ = peerEvent.Peer.DisconnectAsync(DisconnectCode.InternalError, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await announcer;
        await pusher;
    }

    private void Handle(PeerEvent peerEvent)
    {
        switch (peerEvent)
        {
            case PeerConnectedEvent connected:
                OnConnected(connected.Peer);
                break;
            case PayloadReceivedEvent payload:
                if (_states.TryGetValue(payload.Peer, out var state))
                {
                    OnPayload(state, payload.Payload);
                }

                break;
            case PeerDisconnectedEvent disconnected:
                if (_states.TryRemove(disconnected.Peer, out var gone))
                {
                    ForgetTxRequests(gone);
                }

                break;
        }
    }

    private void OnConnected(PeerConnection peer)
    {
        var address = peer.RemoteEndPoint.Address.ToString();
        if (IsDiscouraged(peer.NodeId) || (!IPAddress.IsLoopback(peer.RemoteEndPoint.Address) && IsDiscouraged(address)))
        {
            _ = peer.DisconnectAsync(DisconnectCode.Discouraged);
            return;
        }

        var state = new PeerState(peer) { BestWork = peer.Hello.CumulativeWork };
        _states[peer] = state;
        PeerVisible?.Invoke(peer);
        LogPeerReady(_logger, peer.ToString(), peer.Hello.BestHeight);
        if (peer.Hello.CumulativeWork > _chain.Tip.CumulativeWork)
        {
            RequestBlocks(state);
        }

        // A new peer hears of our tip and our whole mempool once (so pending transactions reach late joiners).
        // The peer is visible to the announce loop and the block pusher from the line above, so what they sent
        // it meanwhile is already known: only ids this snapshot is the first to give it go into the inv. (Taking
        // the snapshot before the peer is visible instead would let a transaction added in between reach no one.)
        var snapshot = _chain.GetMempool().Take(InvMessage.MaxIds - 1).Select(t => t.Id).ToList();
        var tip = _chain.Tip.Hash;
        var txs = new List<string>(snapshot.Count);
        var blocks = new List<string>(1);
        lock (state.Gate)
        {
            foreach (var id in snapshot)
            {
                if (state.KnownTxs.Add(id))
                {
                    txs.Add(id.ToString());
                }
            }

            if (state.KnownBlocks.Add(tip))
            {
                blocks.Add(tip.ToString());
            }
        }

        SendInv(state, txs, blocks);
    }

    private void OnPayload(PeerState state, ReadOnlyMemory<byte> payload)
    {
        if (BlockMessageCodec.TryDecodeRented(payload.Span, out var rented, out var length))
        {
            // What MessageCodec.TryDecode would give, and the payload is the block's own encoding: it can be sent on.
            // The block keeps copies of what it needs, so the rented bytes go back to the pool straight after.
            try
            {
                OnBlock(state, rented.AsMemory(0, length), payload);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            return;
        }

        if (BlocksMessageCodec.TryDecode(payload.Span, out var batch, out var more))
        {
            // What MessageCodec.TryDecode and OnBlocks' own decoding would give, without a fresh array per block.
            OnBlocks(state, batch, more);
            return;
        }

        var message = MessageCodec.TryDecode(payload.Span, out var error);
        if (message is null)
        {
            Misbehaved(state, error);
            return;
        }

        switch (message)
        {
            case InvMessage inv:
                OnInv(state, inv);
                break;
            case GetDataMessage getData:
                OnGetData(state, getData);
                break;
            case TxMessage tx:
                OnTransactions(state, tx);
                break;
            case BlockMessage block:
                OnBlock(state, block.Block, canonicalPayload: null);
                break;
            case GetBlocksMessage getBlocks:
                OnGetBlocks(state, getBlocks);
                break;
            case BlocksMessage blocks:
                OnBlocks(state, blocks);
                break;
            case NotFoundMessage notFound:
                OnNotFound(state, notFound);
                break;
            case CompactBlockMessage compact:
                OnCompactBlock(state, compact);
                break;
            case GetBlockTxnMessage getBlockTxn:
                OnGetBlockTxn(state, getBlockTxn);
                break;
            case BlockTxnMessage blockTxn:
                OnBlockTxn(state, blockTxn);
                break;
        }
    }

    private void Send(PeerState state, Message message) => state.Connection.TrySend(MessageCodec.Encode(message));

    // Invalid data: disconnect, and refuse the node (and, unless local, its address) for a while.
    private void Misbehaved(PeerState state, string reason)
    {
        var peer = state.Connection;
        var now = _time.GetUtcNow();
        foreach (var (key, expiry) in _discouraged)
        {
            if (expiry <= now)
            {
                _discouraged.TryRemove(key, out _);
            }
        }

        var until = now + DiscouragementPeriod;
        _discouraged[peer.NodeId] = until;
        if (!IPAddress.IsLoopback(peer.RemoteEndPoint.Address))
        {
            // Its address is also refused at accept, before any handshake is spent on it.
            _discouraged[peer.RemoteEndPoint.Address.ToString()] = until;
            _peers.Refuse(peer.RemoteEndPoint.Address, until);
        }

        LogMisbehaved(_logger, peer.ToString(), reason);
        if (_states.TryRemove(peer, out var removed))
        {
            ForgetTxRequests(removed);
        }

        _ = peer.DisconnectAsync(DisconnectCode.InvalidData, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Peer {Peer} ready at height {Height}")]
    private static partial void LogPeerReady(ILogger logger, string peer, uint height);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Peer {Peer} sent invalid data and is discouraged: {Reason}")]
    private static partial void LogMisbehaved(ILogger logger, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling a message from {Peer} failed")]
    private static partial void LogHandlerFailed(ILogger logger, string peer, Exception exception);
}
