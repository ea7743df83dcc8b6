namespace Chain.Node.Rpc.Subscriptions;

/// <summary>
/// One subscription of one WebSocket connection. It receives notifications only once <see cref="Active"/>, which
/// its connection sets after the answer carrying <see cref="Id"/> is queued, so no notification overtakes it.
/// </summary>
public sealed class Subscription(string id, SubscriptionTopic topic, WebSocketSession session)
{
    private volatile bool _active;

    /// <summary>The id the client was given (16 hex characters).</summary>
    public string Id { get; } = id;

    /// <summary>What it is subscribed to.</summary>
    public SubscriptionTopic Topic { get; } = topic;

    /// <summary>The connection it belongs to.</summary>
    public WebSocketSession Session { get; } = session;

    /// <summary>Whether notifications are delivered yet.</summary>
    public bool Active
    {
        get => _active;
        set => _active = value;
    }
}
