namespace Chain.Node.Rpc.Subscriptions;

/// <summary>The topics' names as requests and notifications spell them.</summary>
public static class SubscriptionTopics
{
    /// <summary>The name of <paramref name="topic"/> (<c>tips</c>, <c>mempool</c>, <c>peers</c>).</summary>
    public static string Name(SubscriptionTopic topic) => topic switch
    {
        SubscriptionTopic.Tips => "tips",
        SubscriptionTopic.Mempool => "mempool",
        _ => "peers",
    };

    /// <summary>The topic named <paramref name="name"/> (exact, lower case), if any.</summary>
    public static bool TryParse(string? name, out SubscriptionTopic topic)
    {
        (var found, topic) = name switch
        {
            "tips" => (true, SubscriptionTopic.Tips),
            "mempool" => (true, SubscriptionTopic.Mempool),
            "peers" => (true, SubscriptionTopic.Peers),
            _ => (false, default),
        };
        return found;
    }
}
