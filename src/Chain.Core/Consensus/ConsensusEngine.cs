using Chain.Core.Ledger;

namespace Chain.Core.Consensus;

/// <summary>The one place where a network's consensus engine is chosen.</summary>
public static class ConsensusEngine
{
    /// <summary>The engine <paramref name="network"/>'s consensus section names.</summary>
    public static IConsensusEngine Create(NetworkParameters network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Consensus switch
        {
            PowParameters pow => new PowEngine(pow),
            PoaParameters poa => new PoaEngine(poa, network.GenesisHash),
            _ => throw new NotSupportedException($"Network {network.Name} uses the {network.Consensus.Engine} engine, which this node does not run."),
        };
    }
}
