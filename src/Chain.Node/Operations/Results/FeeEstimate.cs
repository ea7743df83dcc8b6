namespace Chain.Node.Operations.Results;

/// <summary>
/// Answer of <c>estimatefee</c>: the fee (coins) that puts a transaction into the next block by the mempool as it is,
/// the network minimum, and the mempool's size and median fee.
/// </summary>
public sealed record FeeEstimate(string Fee, string MinFee, int Mempool, string MedianFee);
