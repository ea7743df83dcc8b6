namespace Chain.Node.Operations.Results;

/// <summary>One block of a <c>chain</c> listing; <see cref="Time"/> is UTC, <c>yyyy-MM-ddTHH:mm:ssZ</c>.</summary>
public sealed record ChainEntry(uint Height, string Hash, string Time, int Txs);
