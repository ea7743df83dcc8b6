using System.Security.Cryptography;
using Chain.Core.Consensus;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Wallets;

namespace Chain.Core.Mining;

/// <summary>
/// Mines blocks on top of the ledger's tip: builds a template from the mempool, searches nonces on several
/// threads over disjoint ranges, abandons the template as soon as the tip changes (or after
/// <see cref="TemplateLifetime"/>, to pick up new transactions and time), and submits what it finds
/// through the same validation as a block from a peer.
/// </summary>
public sealed class Miner
{
    /// <summary>Nonces one thread tries between checks for cancellation.</summary>
    public const int NoncesPerSlice = 1 << 16;

    /// <summary>
    /// How far ahead of the local clock a template's timestamp may run before the miner waits: half the two
    /// hours peers accept (<see cref="NetworkParameters.MaxFutureSeconds"/>), the other half left for clocks
    /// that differ, so a fast dev-network miner never builds a block they would refuse. Each block must pass the
    /// median of the last 11, so blocks found faster than about six a second push timestamps one second ahead
    /// per six blocks; this lead lets some 20,000 such blocks go before the miner waits for the clock.
    /// </summary>
    public const long MaxTimestampLeadSeconds = NetworkParameters.MaxFutureSeconds / 2;

    /// <summary>How long one template is searched before it is rebuilt.</summary>
    public static readonly TimeSpan TemplateLifetime = TimeSpan.FromSeconds(10);

    private readonly Blockchain _chain;
    private readonly TimeProvider _time;
    private readonly Queue<(long Started, long Ended, long Hashes)> _recent = new();
    private long _totalHashes;

    /// <summary>Creates a miner for <paramref name="chain"/> (a sealer on a proof-of-authority network).</summary>
    public Miner(Blockchain chain, TimeProvider time)
    {
        _chain = chain;
        _time = time;
        Sealer = new Sealer(chain, time);
    }

    /// <summary>The key that seals on proof of authority instead of the wallet's (<c>--signer-key</c>); null for the wallet's.</summary>
    public RSA? SignerKey { get; init; }

    /// <summary>The sealer used instead of the nonce search on a proof-of-authority network (its vote is the node's).</summary>
    public Sealer Sealer { get; }

    /// <summary>
    /// Makes the next block paying <paramref name="wallet"/>'s address: mined on proof of work, sealed with the
    /// wallet's key (or <see cref="SignerKey"/>) on proof of authority (throws <see cref="SealingRefusedException"/> when that key may not seal).
    /// </summary>
    public Task<Block> ProduceBlockAsync(Wallet wallet, int threads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        return _chain.Engine is PoaEngine
            ? Sealer.SealBlockAsync(SignerKey ?? wallet.Key, wallet.Address, cancellationToken)
            : MineBlockAsync(wallet.Address, threads, cancellationToken);
    }

    /// <summary>Called with each template just before its nonce search starts (a test hook).</summary>
    internal Action<Block>? SearchStarting { get; set; }

    /// <summary>Window over which <see cref="HashRate"/> is measured.</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    /// <summary>Searches remembered for <see cref="HashRate"/> at most (dev mining ends thousands a second).</summary>
    public const int MaxRateSamples = 4_096;

    /// <summary>
    /// Hashes per second over the last <see cref="RateWindow"/>: the hashes of the searches that ended in it, over the
    /// time since the first of them started (at most the window). Zero once no search has ended for a window, so a
    /// stopped miner shows 0, and many short searches (dev blocks take milliseconds) count as much as one long one.
    /// </summary>
    public double HashRate
    {
        get
        {
            var now = _time.GetTimestamp();
            lock (_recent)
            {
                DropOld(now);
                if (_recent.Count == 0)
                {
                    return 0;
                }

                long hashes = 0;
                var first = now;
                foreach (var (started, _, count) in _recent)
                {
                    hashes += count;
                    first = Math.Min(first, started);
                }

                var span = Math.Min(_time.GetElapsedTime(first, now).TotalSeconds, RateWindow.TotalSeconds);
                return span > 0 ? hashes / span : 0;
            }
        }
    }

    /// <summary>Hashes tried since this miner was created.</summary>
    public long TotalHashes => Interlocked.Read(ref _totalHashes);

    /// <summary>
    /// Mines until a block paying <paramref name="payTo"/> is connected to the best chain and returns it;
    /// throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public async Task<Block> MineBlockAsync(Address payTo, int threads, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var template = _chain.CreateTemplate(payTo);
            var lead = template.Header.Timestamp - _time.GetUtcNow().ToUnixTimeSeconds();
            if (lead > MaxTimestampLeadSeconds)
            {
                // Blocks found faster than one a second push timestamps ahead of the clock (each must pass the
                // median of the last 11); wait rather than build blocks that peers would refuse as too far ahead.
                await Task.Delay(TimeSpan.FromSeconds(lead - MaxTimestampLeadSeconds), _time, cancellationToken);
                continue;
            }

            using var stale = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stale.CancelAfter(TemplateLifetime);
            void OnTip(ChainUpdate update)
            {
                if (update.Tip.Hash != template.Header.PreviousHash)
                {
                    try
                    {
                        stale.Cancel();
                    }
                    catch (ObjectDisposedException)
                    {
                        // Raised just after this template was dropped (the event's handler list was already taken).
                    }
                }
            }

            _chain.TipChanged += OnTip;
            ulong? nonce;
            try
            {
                if (_chain.Tip.Hash != template.Header.PreviousHash)
                {
                    continue;
                }

                SearchStarting?.Invoke(template);
                nonce = await SearchAsync(template.Header, threads, stale.Token);
            }
            finally
            {
                _chain.TipChanged -= OnTip;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (nonce is null)
            {
                continue;
            }

            var block = new Block(template.Header.WithNonce(nonce.Value), template.Transactions);
            var result = _chain.SubmitBlock(block);
            if (result.Status == BlockStatus.Connected)
            {
                return block;
            }

            if (result.Status == BlockStatus.Invalid)
            {
                throw new InvalidOperationException($"The miner built an invalid block: {result.Error}: {result.Message}");
            }
        }
    }

    /// <summary>Searches nonces of <paramref name="header"/> on <paramref name="threads"/> threads; null when cancelled first.</summary>
    public async Task<ulong?> SearchAsync(BlockHeader header, int threads, CancellationToken cancellationToken)
    {
        var hasher = new HeaderHasher(header.Encode());
        var target = Target.ToHash(Target.Expand(header.Bits));
        var found = new ulong?[threads];
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = _time.GetTimestamp();
        long hashes = 0;
        var rangePerThread = ulong.MaxValue / (ulong)threads;
        var workers = new Task[threads];
        for (var t = 0; t < threads; t++)
        {
            var index = t;
            workers[t] = Task.Factory.StartNew(
                () =>
                {
                    var start = rangePerThread * (ulong)index;
                    var end = start + rangePerThread;
                    for (var next = start; next < end && !done.IsCancellationRequested; next += NoncesPerSlice)
                    {
                        var count = Math.Min(NoncesPerSlice, end - next);
                        var hit = hasher.TrySearch(next, count, target, out var nonce);
                        Interlocked.Add(ref hashes, hit ? (long)(nonce - next + 1) : (long)count);
                        if (hit)
                        {
                            found[index] = nonce;
                            done.Cancel();
                            return;
                        }
                    }
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }

        await Task.WhenAll(workers);
        var ended = _time.GetTimestamp();
        Interlocked.Add(ref _totalHashes, hashes);
        lock (_recent)
        {
            _recent.Enqueue((started, ended, hashes));
            DropOld(ended);
        }

        return found.FirstOrDefault(f => f is not null);
    }

    // Under the lock: forgets searches that ended before the window, and the oldest beyond the cap.
    private void DropOld(long now)
    {
        while (_recent.Count > 0 && (_recent.Count > MaxRateSamples || _time.GetElapsedTime(_recent.Peek().Ended, now) > RateWindow))
        {
            _recent.Dequeue();
        }
    }
}
