namespace Chain.Core.Ledger;

/// <summary>The outcome of validating or submitting a transaction.</summary>
public readonly record struct TxResult(TxError Error, string Message)
{
    /// <summary>Success.</summary>
    public static TxResult Ok => new(TxError.None, "ok");

    /// <summary>Whether the transaction was valid.</summary>
    public bool IsValid => Error == TxError.None;

    /// <inheritdoc />
    public override string ToString() => IsValid ? "ok" : $"{Error}: {Message}";
}
