using Chain.Core.Crypto;

namespace Chain.Core.Ledger;

/// <summary>A balance the genesis block creates: spendable from the first block on, committed to by the genesis hash.</summary>
/// <param name="Address">The account credited.</param>
/// <param name="Amount">Base units credited (at least 1).</param>
public readonly record struct GenesisAllocation(Address Address, long Amount);
