namespace Chain.Node.Operations.Results;

/// <summary>
/// Answer of <c>status</c>; <paramref name="Uptime"/> in whole seconds since the node started; <paramref name="Immature"/>
/// this wallet's immature coinbase rewards in coins; <paramref name="Sync"/> <c>height/target</c> while a connected peer
/// announced a best height above this node's (the highest such height the target), else null.
/// </summary>
public sealed record StatusInfo(uint Height, string Tip, int Peers, int Mempool, double Difficulty, double Hashrate, bool Mining, string NodeId, string Version, long Uptime, string Immature, string? Sync = null);
