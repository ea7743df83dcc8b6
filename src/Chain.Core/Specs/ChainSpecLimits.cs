namespace Chain.Core.Specs;

/// <summary>
/// The <c>limits</c> section: what a valid block or transaction of this network may hold. Each is at most the
/// protocol's hard cap (<see cref="Ledger.Block.MaxEncodedSize"/>, <see cref="Ledger.Block.MaxTransactions"/>,
/// <see cref="Ledger.Transaction.MaxEncodedSize"/>), which stays a constant because decoders, frames and files are
/// sized by it.
/// </summary>
public sealed class ChainSpecLimits
{
    /// <summary>Largest encoded block, in bytes.</summary>
    public int? MaxBlockBytes { get; set; }

    /// <summary>Most transactions in a block, coinbase included.</summary>
    public int? MaxBlockTransactions { get; set; }

    /// <summary>Largest encoded transaction, in bytes.</summary>
    public int? MaxTransactionBytes { get; set; }
}
