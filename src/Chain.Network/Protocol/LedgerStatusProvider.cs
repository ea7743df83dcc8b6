using Chain.Core.Ledger;
using Chain.Network.Handshake;

namespace Chain.Network.Protocol;

/// <summary>Supplies the handshake's best height and cumulative work from the ledger.</summary>
public sealed class LedgerStatusProvider(Blockchain chain) : IChainStatusProvider
{
    /// <inheritdoc />
    public ChainStatus GetStatus()
    {
        var tip = chain.Tip;
        return new ChainStatus(tip.Height, tip.CumulativeWork);
    }
}
