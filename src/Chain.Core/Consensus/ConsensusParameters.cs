namespace Chain.Core.Consensus;

/// <summary>
/// The consensus section of a network's chain spec: which engine seals and checks blocks, with its parameters.
/// The ledger picks its engine from this one value; transactions, state, mempool and network never look at it.
/// </summary>
public abstract record ConsensusParameters
{
    /// <summary>The engine's name as written in a chain spec (<c>pow</c> or <c>poa</c>).</summary>
    public abstract string Engine { get; }
}
