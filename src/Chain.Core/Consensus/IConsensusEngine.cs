using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Core.Consensus;

/// <summary>
/// The rules that decide who may make a block and which branch is best (after geth's <c>consensus.Engine</c> and
/// Nethermind's <c>ISealValidator</c>/<c>ISealer</c>). The ledger holds one, chosen from
/// <see cref="NetworkParameters.Consensus"/> by <see cref="ConsensusEngine.Create"/>; transactions, state, mempool and
/// network never ask which one runs.
/// </summary>
public interface IConsensusEngine
{
    /// <summary>The parameters this engine enforces.</summary>
    ConsensusParameters Parameters { get; }

    /// <summary>The header version every block but genesis must carry.</summary>
    uint HeaderVersion { get; }

    /// <summary>Largest encoded header this engine accepts, in bytes (room kept for it when a template is filled).</summary>
    int MaxHeaderSize { get; }

    /// <summary>Checks the header on its own, without its parent: its proof of work, or its form and seal.</summary>
    ConsensusCheck CheckSeal(BlockHeader header);

    /// <summary>
    /// Checks the cheap rules against the parent that decide the header's weight: the required target, or that the
    /// signer is authorised and claims the right turn. The height is checked by the ledger before.
    /// </summary>
    ConsensusCheck CheckDifficulty(BlockHeader header, BlockIndex parent);

    /// <summary>
    /// Checks every rule against the parent (<see cref="CheckDifficulty"/> included) and the local clock
    /// (<paramref name="now"/>, Unix seconds): timestamps, and for proof of authority the period, recent signers,
    /// and checkpoints.
    /// </summary>
    ConsensusCheck CheckContext(BlockHeader header, BlockIndex parent, long now);

    /// <summary>What the header adds to its branch's weight for fork choice (<see cref="BlockIndex.CumulativeWork"/>).</summary>
    UInt128 Work(BlockHeader header);

    /// <summary>
    /// On equal cumulative work, whether <paramref name="candidate"/>'s branch replaces <paramref name="current"/>'s
    /// (the two differ): proof of work keeps the branch seen first; proof of authority takes the lower tip hash, so that
    /// signers who sealed the same height out of turn at once converge on one block (neither may seal the next block on
    /// its own branch, so each keeping its own would stall the network).
    /// </summary>
    bool WinsTie(BlockIndex candidate, BlockIndex current);

    /// <summary>The header's difficulty for people: a multiple of the easiest target, or the proof-of-authority difficulty.</summary>
    double DisplayDifficulty(BlockHeader header);

    /// <summary>
    /// The header of a new block on <paramref name="parent"/> with the given Merkle root, ready for
    /// <paramref name="sealer"/> (null for proof of work, which needs no identity) to seal: nonce 0 for proof of work,
    /// unsigned for proof of authority.
    /// </summary>
    BlockHeader Prepare(BlockIndex parent, Hash256 merkleRoot, long now, SealerIdentity? sealer);
}
