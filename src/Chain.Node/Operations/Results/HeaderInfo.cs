namespace Chain.Node.Operations.Results;

/// <summary>
/// Answer of <c>header</c>, and the header part of a block. <see cref="Bits"/> is <c>0x</c> and 8 hex digits;
/// <see cref="Work"/> (cumulative, decimal) is null for a block that is not in this node's tree (<c>decode</c>);
/// <see cref="Seal"/> is null but for a proof-of-authority (sealed) header.
/// </summary>
public sealed record HeaderInfo(string Hash, uint Version, uint Height, string Previous, string Merkle, long Timestamp, string Time, string Bits, ulong Nonce, string? Work, SealInfo? Seal = null);
