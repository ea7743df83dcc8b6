namespace Chain.Node.Services;

/// <summary>Writes the wallet's own pending transactions to <c>pending.dat</c> now, durably.</summary>
public interface IPendingTransactionsSaver
{
    /// <summary>Saves the current set; failures are logged, not thrown.</summary>
    void SaveNow();
}
