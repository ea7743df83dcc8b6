namespace Chain.Core.Ledger;

/// <summary>
/// The signature checks of one block's transfers, shared by the threads that verify them: each thread that calls
/// <see cref="Verify"/> takes the next few unchecked transactions until none are left or one has failed. Threads
/// join whenever they are free, so one that had other work first (the block's state changes) still takes its share.
/// </summary>
internal sealed class SignatureRun
{
    /// <summary>Transactions a thread takes at a time: few enough to share the end of the block out evenly.</summary>
    public const int Chunk = 8;

    private readonly IReadOnlyList<Transaction> _txs;
    private readonly SignatureCache _signatures;
    private int _next = 1; // the coinbase carries no signature
    private int _bad = -1;
    private volatile bool _stopped;

    /// <summary>A run over <paramref name="txs"/> (coinbase first), verifying through <paramref name="signatures"/>.</summary>
    public SignatureRun(IReadOnlyList<Transaction> txs, SignatureCache signatures)
    {
        _txs = txs;
        _signatures = signatures;
    }

    /// <summary>Index of a transaction whose signature failed, or -1 while none has (or the run was stopped first).</summary>
    public int FailedIndex => Volatile.Read(ref _bad);

    /// <summary>Makes every thread in <see cref="Verify"/> return after its current transaction: the result is no longer wanted.</summary>
    public void Stop() => _stopped = true;

    /// <summary>Verifies chunks of transactions until every one is taken, one has failed, or <see cref="Stop"/> was called.</summary>
    public void Verify()
    {
        while (Volatile.Read(ref _bad) < 0 && !_stopped)
        {
            var start = Interlocked.Add(ref _next, Chunk) - Chunk;
            if (start >= _txs.Count)
            {
                return;
            }

            var end = Math.Min(start + Chunk, _txs.Count);
            for (var i = start; i < end && !_stopped; i++)
            {
                if (!_signatures.VerifyInBlock(_txs[i]))
                {
                    Interlocked.CompareExchange(ref _bad, i, -1);
                    return;
                }
            }
        }
    }
}
