using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Core.Persistence;

/// <summary>A block index entry as the chain state store records it (see <see cref="ChainStateStore.ReadIndex"/>).</summary>
/// <param name="Hash">The block hash (the key).</param>
/// <param name="Header">The header.</param>
/// <param name="TransactionCount">Transactions in the block.</param>
/// <param name="CoinbaseRecipient">Whom the coinbase pays.</param>
/// <param name="CoinbaseAmount">What the coinbase pays.</param>
/// <param name="Position">The block's record in the block file, or <see cref="ChainStateStore.NoPosition"/>.</param>
/// <param name="IsInvalid">Whether the block failed validation when connected.</param>
public readonly record struct StoredIndexEntry(
    Hash256 Hash, BlockHeader Header, int TransactionCount, Address CoinbaseRecipient, long CoinbaseAmount, long Position, bool IsInvalid);
