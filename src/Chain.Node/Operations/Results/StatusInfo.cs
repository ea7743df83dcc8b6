namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>status</c>; <paramref name="Uptime"/> in whole seconds since the node started.</summary>
public sealed record StatusInfo(uint Height, string Tip, int Peers, int Mempool, double Difficulty, double Hashrate, bool Mining, string NodeId, string Version, long Uptime);
