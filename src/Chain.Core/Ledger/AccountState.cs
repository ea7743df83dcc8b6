namespace Chain.Core.Ledger;

/// <summary>The confirmed state of one address: its balance in units and the nonce its next transaction must carry.</summary>
public readonly record struct AccountState(long Balance, ulong Nonce)
{
    /// <summary>An address never seen: no balance, next nonce 0.</summary>
    public static AccountState Empty => default;
}
