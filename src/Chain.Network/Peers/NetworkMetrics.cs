using System.Diagnostics.Metrics;

namespace Chain.Network.Peers;

/// <summary>
/// The peer layer's instruments, on the process-wide meter <see cref="MeterName"/>, counted where bytes, blocks and
/// transactions cross the wire; <c>dotnet-counters</c> and the node's <c>/metrics</c> read them.
/// </summary>
public static class NetworkMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Chain.Network";

    /// <summary>The tag of <see cref="Bytes"/>: <c>sent</c> or <c>received</c>.</summary>
    public const string DirectionTag = "direction";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Bytes of whole frames (header, sealed body) exchanged with peers, by direction.</summary>
    public static readonly Counter<long> Bytes = Meter.CreateCounter<long>("chain.network.bytes", "By", "Bytes of frames exchanged with peers, by direction");

    /// <summary>Blocks received from peers (whole, in sync batches, or compact), before validation.</summary>
    public static readonly Counter<long> BlocksReceived = Meter.CreateCounter<long>("chain.network.blocks.received", "{block}", "Blocks received from peers");

    /// <summary>Blocks relayed: pushed to a peer or announced to it by id, once per peer.</summary>
    public static readonly Counter<long> BlocksRelayed = Meter.CreateCounter<long>("chain.network.blocks.relayed", "{block}", "Blocks pushed or announced to peers (once per peer)");

    /// <summary>Transactions received from peers, before validation.</summary>
    public static readonly Counter<long> TransactionsReceived = Meter.CreateCounter<long>("chain.network.transactions.received", "{transaction}", "Transactions received from peers");

    /// <summary>Transactions announced to peers by id, once per peer.</summary>
    public static readonly Counter<long> TransactionsRelayed = Meter.CreateCounter<long>("chain.network.transactions.relayed", "{transaction}", "Transactions announced to peers (once per peer)");

    internal static readonly KeyValuePair<string, object?> Sent = new(DirectionTag, "sent");

    internal static readonly KeyValuePair<string, object?> Received = new(DirectionTag, "received");
}
