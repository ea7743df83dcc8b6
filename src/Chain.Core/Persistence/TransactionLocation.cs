using Chain.Core.Crypto;

namespace Chain.Core.Persistence;

/// <summary>Where a best-chain transaction lies: its block, its index in the block, and its encoding's offset and length inside the block's.</summary>
public readonly record struct TransactionLocation(Hash256 Block, int Index, int Offset, int Length);
