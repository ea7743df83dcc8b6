namespace Chain.Core.Ledger;

/// <summary>Why a transaction was refused.</summary>
public enum TxError
{
    /// <summary>The transaction is valid.</summary>
    None,

    /// <summary>The encoding exceeds the network's <see cref="NetworkParameters.MaxTransactionBytes"/> (at most <see cref="Transaction.MaxEncodedSize"/>).</summary>
    Oversized,

    /// <summary>The transaction names another network.</summary>
    WrongNetwork,

    /// <summary>The sender key is not an RSA-2048 key, or the signature does not verify.</summary>
    BadSignature,

    /// <summary>The amount is not positive, or amount plus fee exceeds the maximum supply.</summary>
    AmountOutOfRange,

    /// <summary>The fee is below the network's minimum or above the maximum supply.</summary>
    FeeOutOfRange,

    /// <summary>The nonce was already used (or is already pending).</summary>
    NonceTooLow,

    /// <summary>The nonce leaves a gap after the sender's last confirmed or pending nonce.</summary>
    NonceTooHigh,

    /// <summary>Amount plus fee exceeds what the sender has left.</summary>
    InsufficientBalance,

    /// <summary>A coinbase where only a transfer may stand.</summary>
    UnexpectedCoinbase,

    /// <summary>The transaction is already known.</summary>
    Duplicate,

    /// <summary>The mempool is full of transactions paying at least as much.</summary>
    MempoolFull,
}
