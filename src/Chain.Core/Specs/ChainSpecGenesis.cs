namespace Chain.Core.Specs;

/// <summary>The <c>genesis</c> section of a chain spec.</summary>
public sealed class ChainSpecGenesis
{
    /// <summary>The genesis block's timestamp in Unix seconds.</summary>
    public long? Timestamp { get; set; }

    /// <summary>Balances that exist from genesis, spendable by the first block; in the order written (it is part of the genesis hash).</summary>
    public List<ChainSpecAllocation>? Allocations { get; set; }
}
