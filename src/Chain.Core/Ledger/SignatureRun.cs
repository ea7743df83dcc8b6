namespace Chain.Core.Ledger;

/// <summary>
/// The signature checks of one block's transfers, shared by the threads that verify them: each thread in
/// <see cref="Verify"/> takes the next few unchecked transactions until none are left. Threads join whenever they
/// are free, so one that had other work first (the block's state changes) still takes its share, and one that the
/// thread pool starts late finds nothing left. The failure reported is the lowest-indexed bad signature, as a
/// check in block order would report, however the chunks fell to threads.
/// </summary>
internal sealed class SignatureRun
{
    /// <summary>
    /// Transactions a thread takes at a time: few enough to share the end of the block out evenly (a thread that runs
    /// out waits for at most one chunk of the others', about 8 x 19 us), while taking a chunk costs one atomic add.
    /// </summary>
    public const int Chunk = 8;

    private readonly IReadOnlyList<Transaction> _txs;
    private readonly SignatureCache _signatures;
    private int _next = 1; // the coinbase carries no signature
    private int _bad = int.MaxValue;
    private int _busy; // threads inside Verify between their check of the flags and the end of their chunk
    private volatile bool _stopped;
    private Exception? _helperFailure;

    /// <summary>A run over <paramref name="txs"/> (coinbase first), verifying through <paramref name="signatures"/>.</summary>
    public SignatureRun(IReadOnlyList<Transaction> txs, SignatureCache signatures)
    {
        _txs = txs;
        _signatures = signatures;
    }

    /// <summary>Chunks in the run: more threads than this would find nothing to do.</summary>
    public int Chunks => (_txs.Count - 1 + Chunk - 1) / Chunk;

    /// <summary>Lowest index of a transaction whose signature failed, or -1 (also when <see cref="Stop"/> came first).</summary>
    public int FailedIndex => Volatile.Read(ref _bad) is var bad && bad != int.MaxValue && !_stopped ? bad : -1;

    /// <summary>Makes the threads in <see cref="Verify"/> return after their current transaction: the result is not wanted.</summary>
    public void Stop() => _stopped = true;

    /// <summary>
    /// Starts <paramref name="helpers"/> thread-pool work items that take part in <see cref="Verify"/>; none is
    /// waited for as such (see <see cref="WaitForChunksTaken"/>), so a busy pool delays nothing.
    /// </summary>
    public void StartHelpers(int helpers)
    {
        for (var i = 0; i < Math.Min(helpers, Chunks - 1); i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static run => run.VerifyOnHelper(), this, preferLocal: false);
        }
    }

    /// <summary>
    /// Rethrows, on the calling thread, an exception a helper met: the run stopped there, so <see cref="FailedIndex"/>
    /// says nothing about the transactions left unchecked. Call after <see cref="WaitForChunksTaken"/>.
    /// </summary>
    public void ThrowIfHelperFailed()
    {
        if (Volatile.Read(ref _helperFailure) is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>Verifies chunks of transactions until every one is taken, a bad signature is found, or <see cref="Stop"/> was called.</summary>
    public void Verify()
    {
        while (true)
        {
            // Counted as busy before the flags are read, so WaitForChunksTaken cannot miss a chunk taken after them.
            Interlocked.Increment(ref _busy);
            try
            {
                // Once a failure is known no new chunk is taken: unclaimed chunks all lie after it, and the chunks
                // before it (claimed earlier) run to the end, so the lowest bad index is always found.
                if (_stopped || Volatile.Read(ref _bad) != int.MaxValue)
                {
                    return;
                }

                var start = Interlocked.Add(ref _next, Chunk) - Chunk;
                if (start >= _txs.Count)
                {
                    return;
                }

                var end = Math.Min(start + Chunk, _txs.Count);
                for (var i = start; i < end && !_stopped && i < Volatile.Read(ref _bad); i++)
                {
                    if (!_signatures.VerifyInBlock(_txs[i]))
                    {
                        Lower(i);
                    }
                }
            }
            finally
            {
                Interlocked.Decrement(ref _busy);
            }
        }
    }

    /// <summary>
    /// After this thread's own <see cref="Verify"/> returned: waits until no other thread is inside a chunk, so the
    /// result is final and no verification of this block runs on afterwards. The wait is at most one chunk, so it
    /// spins and yields but never sleeps: SpinWait's default sleeps 1 ms after about 20 turns, which made a 2-core
    /// block of 2,000 transactions 1.1-1.3 ms slower in 4 of 6 blocks (measured on the wait itself).
    /// </summary>
    public void WaitForChunksTaken()
    {
        var spin = new SpinWait();
        while (Volatile.Read(ref _busy) != 0)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    // A work item's exception would end the process: it is kept for the calling thread, and the run stops.
    private void VerifyOnHelper()
    {
        try
        {
            Verify();
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _helperFailure, e, null);
            _stopped = true;
        }
    }

    private void Lower(int index)
    {
        var seen = Volatile.Read(ref _bad);
        while (index < seen)
        {
            var previous = Interlocked.CompareExchange(ref _bad, index, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
