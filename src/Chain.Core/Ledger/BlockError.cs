namespace Chain.Core.Ledger;

/// <summary>Why a block was refused.</summary>
public enum BlockError
{
    /// <summary>The block is valid.</summary>
    None,

    /// <summary>Unknown header version.</summary>
    BadVersion,

    /// <summary>The encoding exceeds the network's <see cref="NetworkParameters.MaxBlockBytes"/> or has more than its <see cref="NetworkParameters.MaxBlockTransactions"/>.</summary>
    TooLarge,

    /// <summary>The header hash does not meet its target.</summary>
    InsufficientWork,

    /// <summary>The target is not the one the chain requires at this height.</summary>
    WrongDifficulty,

    /// <summary>The height is not the parent's plus one.</summary>
    BadHeight,

    /// <summary>The Merkle root does not match the transactions.</summary>
    BadMerkleRoot,

    /// <summary>The timestamp is not after the median of the previous 11 blocks.</summary>
    TimestampTooOld,

    /// <summary>The timestamp is more than two hours ahead of the local clock.</summary>
    TimestampTooFarAhead,

    /// <summary>The same transaction appears twice.</summary>
    DuplicateTransaction,

    /// <summary>Two transactions of one sender carry the same nonce.</summary>
    DuplicateNonce,

    /// <summary>A transaction spends more than the balance left by earlier transactions of the block.</summary>
    InsufficientBalance,

    /// <summary>A transaction is invalid for another reason (see the message).</summary>
    BadTransaction,

    /// <summary>The coinbase is missing, misplaced, malformed or pays more than reward plus fees.</summary>
    BadCoinbase,

    /// <summary>The block descends from a block known to be invalid.</summary>
    InvalidAncestor,

    /// <summary>The first block of a difficulty window is timestamped before its parent (the time-warp attack).</summary>
    TimeWarp,

    /// <summary>A sealed header's form, signer key or signature is wrong (proof of authority).</summary>
    BadSeal,

    /// <summary>The sealer is not an authorised signer at the parent (proof of authority).</summary>
    UnauthorizedSigner,

    /// <summary>The block comes before its parent's timestamp plus the period (proof of authority).</summary>
    TooSoon,

    /// <summary>The sealer sealed one of the last floor(N/2) blocks, N signers (proof of authority).</summary>
    SignedRecently,

    /// <summary>A checkpoint header's signer list differs from the signer set its ancestors compute, or a checkpoint votes (proof of authority).</summary>
    BadCheckpoint,
}
