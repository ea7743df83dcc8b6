using System.Security.Cryptography;
using Chain.Core.Consensus;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Core.Mining;

/// <summary>
/// Seals blocks on a proof-of-authority network (Clique's sealer): waits for its time (the parent's timestamp plus the
/// period, and out of turn the wiggle after it), for another signer's block when it sealed too recently, and abandons
/// the block when the tip changes meanwhile; signs the template the engine prepares with the signer's key and submits
/// it through the same validation as a block from a peer. Time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class Sealer
{
    private readonly Blockchain _chain;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly Lock _lock = new();
    private SignerVote _vote;

    /// <summary>Creates a sealer for <paramref name="chain"/>; <paramref name="random"/> picks the out-of-turn wiggle.</summary>
    public Sealer(Blockchain chain, TimeProvider time, Random? random = null)
    {
        _chain = chain;
        _time = time;
        _random = random ?? Random.Shared;
    }

    /// <summary>What this signer proposes in its next blocks (a vote that would not count is left out of a block).</summary>
    public SignerVote Vote
    {
        get
        {
            lock (_lock)
            {
                return _vote;
            }
        }

        set
        {
            lock (_lock)
            {
                _vote = value;
            }
        }
    }

    /// <summary>
    /// Seals blocks with <paramref name="key"/> until one paying <paramref name="payTo"/> connects, and returns it.
    /// Throws <see cref="SealingRefusedException"/> when the key is not an authorised signer at the tip (or the
    /// network is not proof of authority), <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public async Task<Block> SealBlockAsync(RSA key, Address payTo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_chain.Engine is not PoaEngine engine)
        {
            throw new SealingRefusedException($"network {_chain.Network.Name} runs {_chain.Engine.Parameters.Engine}, not proof of authority: nothing to seal");
        }

        var signerKey = key.ExportSubjectPublicKeyInfo();
        var signer = Address.FromPublicKey(signerKey);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var tip = _chain.Tip;
            using var moved = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            void OnTip(ChainUpdate update)
            {
                if (update.Tip.Hash != tip.Hash)
                {
                    try
                    {
                        moved.Cancel();
                    }
                    catch (ObjectDisposedException)
                    {
                        // Raised just after this attempt ended.
                    }
                }
            }

            _chain.TipChanged += OnTip;
            try
            {
                if (_chain.Tip.Hash != tip.Hash)
                {
                    continue;
                }

                var schedule = engine.Schedule(tip, signer, _random);
                if (!schedule.MaySeal)
                {
                    if (!engine.Snapshot(tip).IsAuthorized(signer))
                    {
                        throw new SealingRefusedException(schedule.Reason);
                    }

                    // Sealed too recently: another signer's block comes first.
                    await Task.Delay(Timeout.InfiniteTimeSpan, _time, moved.Token);
                }

                // Out of turn the wiggle runs from the later of the block's time and now (as Clique's delay runs from
                // the header time, which is now when the parent is old): a node resuming after a pause does not race
                // the in-turn signer.
                var start = DateTimeOffset.FromUnixTimeSeconds(schedule.Timestamp);
                var now = _time.GetUtcNow();
                var due = (start > now ? start : now) + schedule.Delay;
                var wait = due - now;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, moved.Token);
                }

                var template = _chain.CreateTemplate(payTo, new SealerIdentity(signerKey, Vote));
                if (template.Header.PreviousHash != tip.Hash)
                {
                    continue;
                }

                var block = new Block(PoaEngine.Seal(template.Header, key), template.Transactions);
                var result = _chain.SubmitBlock(block);
                if (result.Status == BlockStatus.Connected)
                {
                    return block;
                }

                if (result.Status == BlockStatus.Invalid)
                {
                    throw new InvalidOperationException($"The sealer built an invalid block: {result.Error}: {result.Message}");
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The tip moved: start again on the new one.
            }
            finally
            {
                _chain.TipChanged -= OnTip;
            }
        }
    }
}
