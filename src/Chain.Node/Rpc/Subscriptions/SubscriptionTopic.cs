namespace Chain.Node.Rpc.Subscriptions;

/// <summary>What a WebSocket client can subscribe to (API.md "Subscriptions").</summary>
public enum SubscriptionTopic
{
    /// <summary>The best chain moved: a new tip, with the blocks that left it on a reorganisation.</summary>
    Tips,

    /// <summary>A transaction entered the mempool.</summary>
    Mempool,

    /// <summary>A peer connected or disconnected.</summary>
    Peers,
}
