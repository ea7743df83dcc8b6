namespace Chain.Core.Specs;

/// <summary>One balance created by the genesis block.</summary>
public sealed class ChainSpecAllocation
{
    /// <summary>The account: the network's address text form (its <c>addressPrefix</c>), or 40 lower-case hex as in <c>wallet.json</c>.</summary>
    public string? Address { get; set; }

    /// <summary>The balance in base units (1 coin = 100 000 000 units), at least 1.</summary>
    public long? Amount { get; set; }
}
