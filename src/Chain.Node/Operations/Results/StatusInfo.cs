namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>status</c>.</summary>
public sealed record StatusInfo(uint Height, string Tip, int Peers, int Mempool, double Difficulty, double Hashrate, bool Mining);
