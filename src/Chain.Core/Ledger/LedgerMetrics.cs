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
    /// <remarks>
    /// Buckets from 0.5 ms to 10 s: a block of a few transactions validates in well under a millisecond, one of
    /// 3,000 new transfers in tens of milliseconds. Without this advice an exporter applies OpenTelemetry's default
    /// boundaries, which are meant for milliseconds (0, 5, 10, ... 10,000) and would put every block in the first
    /// bucket of seconds.
    /// </remarks>
    public static readonly Histogram<double> BlockValidation = Meter.CreateHistogram(
        "chain.ledger.block_validation.duration",
        "s",
        "Time to validate a submitted block",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    /// <summary>Time of a transaction's stateless checks, its signature verification above all.</summary>
    /// <remarks>Buckets from 10 us (a signature already verified) to 100 ms (a verification waiting for a core).</remarks>
    public static readonly Histogram<double> TransactionVerification = Meter.CreateHistogram(
        "chain.ledger.transaction_verification.duration",
        "s",
        "Time to verify one submitted transaction (signature included)",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01, 0.1] });

    internal static KeyValuePair<string, object?> Outcome(TxResult result) =>
        new(OutcomeTag, result.IsValid ? "accepted" : result.Error == TxError.Duplicate ? "duplicate" : "refused");
}
