using System.Security.Cryptography;
using System.Text.Json;
using Chain.Core.Ledger;
using Chain.Network.Peers;
using Chain.Node.Operations;
using Chain.Node.Operations.Results;
using Chain.Node.Services;

namespace Chain.Node.Rpc.Subscriptions;

/// <summary>
/// Turns what the node learns (the ledger's new tips and mempool entries, the peer manager's connections) into
/// notifications for the WebSocket subscribers. The ledger raises its events under its lock, so publishing only
/// serialises the result once, when someone listens, and offers it to each subscriber's bounded queue without
/// waiting: a subscriber whose queue is full is dropped (<see cref="WebSocketSession.Notify"/>), never waited for.
/// </summary>
public sealed class SubscriptionHub : IDisposable
{
    /// <summary>Subscriptions the node serves at most, over all connections.</summary>
    public const int MaxSubscriptions = 1024;

    private readonly Blockchain _chain;
    private readonly PeerManager _peers;
    private readonly Lock _gate = new();

    // Copy-on-write, one array per topic: publishing reads a snapshot without a lock.
    private readonly Subscription[][] _byTopic = [[], [], []];
    private int _count;

    /// <summary>Creates the hub and starts listening to the ledger and the peer manager.</summary>
    public SubscriptionHub(Blockchain chain, PeerManager peers)
    {
        _chain = chain;
        _peers = peers;
        chain.TipChanged += OnTipChanged;
        chain.TransactionAdded += OnTransactionAdded;
        peers.PeerConnected += OnPeerConnected;
        peers.PeerDisconnected += OnPeerDisconnected;
    }

    /// <summary>Subscriptions held now, over all connections.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>A new (not yet active) subscription of <paramref name="session"/>, or null when the node already serves <see cref="MaxSubscriptions"/>.</summary>
    public Subscription? TryAdd(WebSocketSession session, SubscriptionTopic topic)
    {
        var subscription = new Subscription(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), topic, session);
        lock (_gate)
        {
            if (_count >= MaxSubscriptions)
            {
                return null;
            }

            _count++;
            var list = _byTopic[(int)topic];
            Volatile.Write(ref _byTopic[(int)topic], [.. list, subscription]);
        }

        return subscription;
    }

    /// <summary>Ends <paramref name="subscription"/>; false when it had already ended.</summary>
    public bool Remove(Subscription subscription)
    {
        lock (_gate)
        {
            var list = _byTopic[(int)subscription.Topic];
            var index = Array.IndexOf(list, subscription);
            if (index < 0)
            {
                return false;
            }

            Volatile.Write(ref _byTopic[(int)subscription.Topic], [.. list[..index], .. list[(index + 1)..]]);
            _count--;
            return true;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _chain.TipChanged -= OnTipChanged;
        _chain.TransactionAdded -= OnTransactionAdded;
        _peers.PeerConnected -= OnPeerConnected;
        _peers.PeerDisconnected -= OnPeerDisconnected;
    }

    /// <summary>The <c>tips</c> result for a move of the best chain.</summary>
    public static TipNotification Describe(ChainUpdate update)
    {
        var header = update.Tip.Header;
        ReorgInfo? reorg = null;
        if (update.Disconnected.Count > 0)
        {
            var oldTip = update.Disconnected[0];
            reorg = new ReorgInfo(
                update.Disconnected.Count,
                oldTip.Hash.ToString(),
                oldTip.Height,
                update.Disconnected[^1].Height - 1,
                [.. update.Disconnected.Select(b => b.Hash.ToString())]);
        }

        return new TipNotification(
            header.Height,
            header.Hash.ToString(),
            header.PreviousHash.ToString(),
            header.Timestamp,
            NodeOperations.Time(header.Timestamp),
            update.Tip.TransactionCount,
            update.Connected.Count,
            reorg);
    }

    private void OnTipChanged(ChainUpdate update) =>
        Publish(SubscriptionTopic.Tips, update, static u => JsonSerializer.SerializeToUtf8Bytes(Describe(u), RpcJsonContext.Default.TipNotification));

    private void OnTransactionAdded(Transaction tx) =>
        Publish(SubscriptionTopic.Mempool, tx, t => JsonSerializer.SerializeToUtf8Bytes(
            new TransactionLookup(NodeOperations.Describe(t, _chain.Network), "pending", null, null), RpcJsonContext.Default.TransactionLookup));

    private void OnPeerConnected(PeerConnection peer) =>
        Publish(SubscriptionTopic.Peers, peer, static p => Serialize("connected", p));

    private void OnPeerDisconnected(PeerConnection peer, string reason) =>
        Publish(SubscriptionTopic.Peers, peer, static p => Serialize("disconnected", p));

    private static byte[] Serialize(string what, PeerConnection peer) => JsonSerializer.SerializeToUtf8Bytes(
        new PeerNotification(what, PeerInfo.Of(PeerSummary.Of(peer))),
        RpcJsonContext.Default.PeerNotification);

    // Serialised once, and only when someone listens; offered to every active subscriber without waiting.
    private void Publish<T>(SubscriptionTopic topic, T value, Func<T, byte[]> serialize)
    {
        var subscribers = Volatile.Read(ref _byTopic[(int)topic]);
        if (subscribers.Length == 0)
        {
            return;
        }

        byte[]? result = null;
        foreach (var subscription in subscribers)
        {
            if (subscription.Active)
            {
                result ??= serialize(value);
                subscription.Session.Notify(subscription, result);
            }
        }
    }
}
