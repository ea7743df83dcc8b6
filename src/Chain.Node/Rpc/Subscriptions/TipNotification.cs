namespace Chain.Node.Rpc.Subscriptions;

/// <summary>
/// The result of a <c>tips</c> notification: the new tip, how many blocks joined the best chain in this move
/// (1 unless several connected at once), and the reorganisation when the new tip does not extend the old one.
/// </summary>
public sealed record TipNotification(uint Height, string Hash, string Previous, long Timestamp, string Time, int Transactions, int Connected, ReorgInfo? Reorg);
