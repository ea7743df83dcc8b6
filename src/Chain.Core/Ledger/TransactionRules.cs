using Chain.Core.Crypto;

namespace Chain.Core.Ledger;

/// <summary>The validity rules of a transfer, with and without the state of the sender's account.</summary>
public static class TransactionRules
{
    /// <summary>
    /// Checks everything that does not depend on the chain: network, size, amounts and fee, and (unless
    /// <paramref name="signatures"/> is null) the signature.
    /// </summary>
    public static TxResult CheckStateless(Transaction tx, NetworkParameters network, SignatureCache? signatures)
    {
        if (tx.IsCoinbase)
        {
            return new(TxError.UnexpectedCoinbase, "a coinbase may only be the first transaction of a block");
        }

        if (tx.Network != network.Magic)
        {
            return new(TxError.WrongNetwork, $"network 0x{tx.Network:x8} is not {network.Name} (0x{network.Magic:x8})");
        }

        if (tx.EncodedSize > network.MaxTransactionBytes)
        {
            return new(TxError.Oversized, $"{tx.EncodedSize} bytes exceeds the network's {network.MaxTransactionBytes}");
        }

        if (tx.Amount <= 0 || tx.Amount > Money.MaxSupply)
        {
            return new(TxError.AmountOutOfRange, $"amount {Money.Format(tx.Amount)} is not between {Money.Format(1)} and {Money.Format(Money.MaxSupply)} coins");
        }

        if (tx.Fee < network.MinFee || tx.Fee > Money.MaxSupply)
        {
            return new(TxError.FeeOutOfRange, $"fee {Money.Format(tx.Fee)} is not between {Money.Format(network.MinFee)} and {Money.Format(Money.MaxSupply)} coins");
        }

        if (tx.Amount + tx.Fee > Money.MaxSupply)
        {
            return new(TxError.AmountOutOfRange, "amount plus fee exceeds the maximum supply");
        }

        if (signatures is not null && !signatures.Verify(tx))
        {
            return new(TxError.BadSignature, "the signature does not verify against the sender key");
        }

        return TxResult.Ok;
    }

    /// <summary>Checks nonce and balance against the sender's state (confirmed plus anything pending before it).</summary>
    public static TxResult CheckAgainst(Transaction tx, AccountState sender)
    {
        if (tx.Nonce < sender.Nonce)
        {
            return new(TxError.NonceTooLow, $"nonce {tx.Nonce} is below the next nonce {sender.Nonce}");
        }

        if (tx.Nonce > sender.Nonce)
        {
            return new(TxError.NonceTooHigh, $"nonce {tx.Nonce} leaves a gap after {sender.Nonce}");
        }

        var cost = tx.Amount + tx.Fee; // both were range-checked, so this cannot overflow
        if (cost > sender.Balance)
        {
            return new(TxError.InsufficientBalance, $"spends {Money.Format(cost)} but {Money.Format(sender.Balance)} is left");
        }

        return TxResult.Ok;
    }

    /// <summary>The sender's state after <paramref name="tx"/>.</summary>
    internal static AccountState Debit(AccountState sender, Transaction tx) =>
        new(checked(sender.Balance - tx.Amount - tx.Fee), sender.Nonce + 1);

    /// <summary>The recipient's state after receiving <paramref name="amount"/>.</summary>
    internal static AccountState Credit(AccountState recipient, long amount) =>
        recipient with { Balance = checked(recipient.Balance + amount) };

    /// <summary>Whether <paramref name="address"/> is the sender or recipient of <paramref name="tx"/>.</summary>
    public static bool Touches(Transaction tx, Address address) =>
        tx.Recipient == address || (!tx.IsCoinbase && tx.Sender == address);
}
