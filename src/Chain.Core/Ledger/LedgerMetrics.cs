using System.Diagnostics.Metrics;

namespace Chain.Core.Ledger;

/// <summary>
/// The ledger's instruments, on the process-wide meter <see cref="MeterName"/>, counted where blocks and
/// transactions enter (<see cref="Blockchain"/>); <c>dotnet-counters</c> and the node's <c>/metrics</c> read them.
/// </summary>
public static class LedgerMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Chain.Core";

    /// <summary>The tag naming what became of a block (<c>accepted</c>, <c>refused</c>) or transaction (also <c>duplicate</c>: already known).</summary>
    public const string OutcomeTag = "outcome";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Blocks submitted to the ledger (mined here or from peers; not the replay at start), by outcome.</summary>
    public static readonly Counter<long> Blocks = Meter.CreateCounter<long>("chain.ledger.blocks", "{block}", "Blocks submitted to the ledger, by outcome");

    /// <summary>Transactions submitted to the mempool (sent here, by sendraw or from peers), by outcome.</summary>
    public static readonly Counter<long> Transactions = Meter.CreateCounter<long>("chain.ledger.transactions", "{transaction}", "Transactions submitted to the mempool, by outcome");

    /// <summary>Time to validate and connect (or refuse) one block, signatures included.</summary>
    public static readonly Histogram<double> BlockValidation = Meter.CreateHistogram<double>("chain.ledger.block_validation.duration", "s", "Time to validate a submitted block");

    /// <summary>Time of a transaction's stateless checks, its signature verification above all.</summary>
    public static readonly Histogram<double> TransactionVerification = Meter.CreateHistogram<double>("chain.ledger.transaction_verification.duration", "s", "Time to verify one submitted transaction (signature included)");

    internal static KeyValuePair<string, object?> Outcome(TxResult result) =>
        new(OutcomeTag, result.IsValid ? "accepted" : result.Error == TxError.Duplicate ? "duplicate" : "refused");
}
