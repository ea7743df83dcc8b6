namespace Chain.Core.Specs;

/// <summary>The <c>blockReward</c> section: <c>initial &gt;&gt; (height / halvingInterval)</c> base units per block.</summary>
public sealed class ChainSpecReward
{
    /// <summary>The reward of the first blocks, in base units.</summary>
    public long? Initial { get; set; }

    /// <summary>Blocks between halvings of the reward.</summary>
    public int? HalvingInterval { get; set; }
}
