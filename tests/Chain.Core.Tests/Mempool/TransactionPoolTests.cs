using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Mempool;

namespace Chain.Core.Tests.Mempool;

public class TransactionPoolTests
{
    private const long Coin = Money.UnitsPerCoin;
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(NetworkParameters.Dev.GenesisTimestamp);
    private static readonly AccountState Rich = new(100 * Coin, 0);
    private static readonly Address Recipient = Address.Parse("00112233445566778899aabbccddeeff00112233");

    // The pool does not verify signatures (Blockchain does first), so fake keys name distinct senders cheaply.
    private static Transaction Tx(byte sender, ulong nonce, long fee, long amount = Coin) =>
        Transaction.FromParts(NetworkParameters.Dev.Magic, [sender], Recipient, amount, fee, nonce, []);

    private static void AddAll(TransactionPool pool, params Transaction[] txs)
    {
        foreach (var tx in txs)
        {
            Assert.Equal(TxResult.Ok, pool.Add(tx, Rich, Now));
        }
    }

    [Fact]
    public void Add_ConsecutiveNonces_AllAccepted()
    {
        var pool = new TransactionPool();

        AddAll(pool, Tx(1, 0, 1_000), Tx(1, 1, 1_000), Tx(1, 2, 1_000));

        Assert.Equal(3, pool.Count);
        Assert.Equal(new AccountState((97 * Coin) - 3_000, 3), pool.PendingState(Tx(1, 0, 0).Sender, Rich));
    }

    [Fact]
    public void Add_NonceGap_NonceTooHigh()
    {
        var pool = new TransactionPool();
        AddAll(pool, Tx(1, 0, 1_000));

        Assert.Equal(TxError.NonceTooHigh, pool.Add(Tx(1, 2, 1_000), Rich, Now).Error);
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public void Add_SameIdTwice_Duplicate()
    {
        var pool = new TransactionPool();
        AddAll(pool, Tx(1, 0, 1_000));

        Assert.Equal(TxError.Duplicate, pool.Add(Tx(1, 0, 1_000), Rich, Now).Error);
    }

    [Fact]
    public void Add_PendingSpendsLeaveTooLittle_InsufficientBalance()
    {
        var pool = new TransactionPool();
        var confirmed = new AccountState(3 * Coin, 0);
        Assert.True(pool.Add(Tx(1, 0, 1_000, 2 * Coin), confirmed, Now).IsValid);

        Assert.Equal(TxError.InsufficientBalance, pool.Add(Tx(1, 1, 1_000, Coin), confirmed, Now).Error);
        Assert.True(pool.Add(Tx(1, 1, 1_000, Coin - 2_000), confirmed, Now).IsValid);
    }

    [Fact]
    public void Add_FullAndNewcomerPaysMore_EvictsLowestFee()
    {
        var pool = new TransactionPool(capacity: 3);
        AddAll(pool, Tx(1, 0, 1_000), Tx(2, 0, 2_000), Tx(3, 0, 3_000));

        Assert.True(pool.Add(Tx(4, 0, 1_500), Rich, Now).IsValid);

        Assert.Equal(3, pool.Count);
        Assert.False(pool.Contains(Tx(1, 0, 1_000).Id));
        Assert.True(pool.Contains(Tx(4, 0, 1_500).Id));
    }

    [Fact]
    public void Add_FullAndNewcomerPaysNoMoreThanCheapest_MempoolFull()
    {
        var pool = new TransactionPool(capacity: 3);
        AddAll(pool, Tx(1, 0, 1_000), Tx(2, 0, 2_000), Tx(3, 0, 3_000));

        Assert.Equal(TxError.MempoolFull, pool.Add(Tx(4, 0, 1_000), Rich, Now).Error);
        Assert.Equal(TxError.MempoolFull, pool.Add(Tx(4, 0, 999), Rich, Now).Error);
        Assert.True(pool.Contains(Tx(1, 0, 1_000).Id));
    }

    [Fact]
    public void Add_FullWithCheapParentOfOtherSender_EvictsOnlySendersLastTransaction()
    {
        // Sender 1's cheap nonce 0 has a dependant (nonce 1), so it may not go; sender 2's last one goes.
        var pool = new TransactionPool(capacity: 3);
        AddAll(pool, Tx(1, 0, 1_000), Tx(1, 1, 9_000), Tx(2, 0, 2_000));

        Assert.True(pool.Add(Tx(3, 0, 3_000), Rich, Now).IsValid);

        Assert.True(pool.Contains(Tx(1, 0, 1_000).Id));
        Assert.False(pool.Contains(Tx(2, 0, 2_000).Id));
    }

    [Fact]
    public void Add_FullAndNewcomerFollowsCheapestTransaction_DoesNotEvictItsOwnParent()
    {
        var pool = new TransactionPool(capacity: 3);
        AddAll(pool, Tx(1, 0, 1_000), Tx(2, 0, 5_000), Tx(3, 0, 6_000));

        var result = pool.Add(Tx(1, 1, 9_000), Rich, Now);

        // Evicting sender 1's nonce 0 would leave nonce 1 with a gap: a template would hold an invalid transaction.
        Assert.True(result.IsValid, result.ToString());
        Assert.True(pool.Contains(Tx(1, 0, 1_000).Id));
        Assert.False(pool.Contains(Tx(2, 0, 5_000).Id));
        Assert.Equal(Tx(1, 0, 1_000).Id, pool.SelectForBlock(10, int.MaxValue).First(t => t.Sender == Tx(1, 0, 0).Sender).Id);
    }

    [Fact]
    public void SelectForBlock_FeesAcrossSenders_HighestFeeHeadFirstKeepingNonceOrder()
    {
        var pool = new TransactionPool();
        var a0 = Tx(1, 0, 1_000);
        var a1 = Tx(1, 1, 9_000);
        var b0 = Tx(2, 0, 5_000);
        AddAll(pool, a0, a1, b0);

        var picked = pool.SelectForBlock(10, int.MaxValue);

        // Heads are A0 (1000) and B0 (5000): B0 first; then A0, which frees A1.
        Assert.Equal([b0.Id, a0.Id, a1.Id], picked.Select(t => t.Id));
    }

    [Fact]
    public void SelectForBlock_EqualFees_FirstSeenFirst()
    {
        var pool = new TransactionPool();
        var first = Tx(2, 0, 1_000);
        var second = Tx(1, 0, 1_000);
        AddAll(pool, first, second);

        Assert.Equal([first.Id, second.Id], pool.SelectForBlock(10, int.MaxValue).Select(t => t.Id));
    }

    [Fact]
    public void SelectForBlock_Limits_RespectsCountAndBytes()
    {
        var pool = new TransactionPool();
        AddAll(pool, Tx(1, 0, 3_000), Tx(2, 0, 2_000), Tx(3, 0, 1_000));
        var size = Tx(1, 0, 3_000).EncodedSize + 4;

        Assert.Equal(2, pool.SelectForBlock(2, int.MaxValue).Count);
        Assert.Single(pool.SelectForBlock(10, (2 * size) - 1));
        Assert.Empty(pool.SelectForBlock(10, size - 1));
    }

    [Fact]
    public void Expire_OlderThan24Hours_DropsItAndLaterNoncesOfItsSender()
    {
        var pool = new TransactionPool();
        Assert.True(pool.Add(Tx(1, 0, 1_000), Rich, Now).IsValid);
        Assert.True(pool.Add(Tx(1, 1, 1_000), Rich, Now.AddHours(12)).IsValid);
        Assert.True(pool.Add(Tx(2, 0, 1_000), Rich, Now.AddHours(12)).IsValid);

        Assert.Equal(0, pool.Expire(Now + TransactionPool.Expiry));
        Assert.Equal(2, pool.Expire(Now + TransactionPool.Expiry + TimeSpan.FromSeconds(1)));

        Assert.Equal([Tx(2, 0, 1_000).Id], pool.All.Select(t => t.Id));
    }

    [Fact]
    public void Expire_AtRandomTimesAfterAddsAndReconciles_DropsExactlyTheOldAndTheirLaterNonces()
    {
        // Expire skips its walk while the oldest entry ever added since the last walk is young; whatever it skips,
        // what it keeps must be what the rule keeps: for each sender, the nonces below its oldest expired one.
        var random = new Random(11);
        var pool = new TransactionPool(capacity: 60);
        var time = Now;
        for (var round = 0; round < 400; round++)
        {
            var sender = (byte)random.Next(1, 6);
            var next = pool.PendingState(Tx(sender, 0, 0).Sender, Rich).Nonce;
            pool.Add(Tx(sender, next, random.Next(1, 5_000), random.Next(1, 1_000)), Rich, time);
            time += TimeSpan.FromMinutes(random.Next(0, 240));
            if (round % 41 == 0)
            {
                // Entries come back with a fresh time, as transactions of a block that left the chain.
                pool.Reconcile(_ => Rich, [], _ => false, time);
            }

            if (round % 3 == 0)
            {
                var before = pool.All.ToList();
                var now = time + TimeSpan.FromHours(random.Next(0, 30));
                var cutoff = before
                    .Where(t => now - pool.AddedAt(t.Id) > TransactionPool.Expiry)
                    .GroupBy(t => t.Sender)
                    .ToDictionary(g => g.Key, g => g.Min(t => t.Nonce));
                var kept = before.Where(t => !cutoff.TryGetValue(t.Sender, out var first) || t.Nonce < first).Select(t => t.Id).ToHashSet();

                var removed = pool.Expire(now);

                Assert.Equal(kept, pool.All.Select(t => t.Id).ToHashSet());
                Assert.Equal(before.Count - kept.Count, removed);
            }
        }
    }

    [Fact]
    public void EvictionCandidate_AfterAddsEvictionsConfirmsReconcilesAndExpiry_EqualsScanOfEverySender()
    {
        // The pool keeps its senders' last transactions ordered for eviction; the plain definition walks them all.
        var random = new Random(23);
        var pool = new TransactionPool(capacity: 50);
        var senders = Enumerable.Range(1, 12).Select(i => Tx((byte)i, 0, 0).Sender).Append(Address.Zero).ToArray();
        var time = Now;
        var evictions = 0;
        var confirmed = senders.ToDictionary(a => a, _ => Rich);
        for (var round = 0; round < 2_500; round++)
        {
            var sender = (byte)random.Next(1, 13);
            var state = confirmed[Tx(sender, 0, 0).Sender];
            var next = pool.PendingState(Tx(sender, 0, 0).Sender, state).Nonce;
            var full = pool.Count == 50;
            var result = pool.Add(Tx(sender, next, random.Next(1, 40) * 100, random.Next(1, 1_000)), state, time);
            evictions += full && result.IsValid ? 1 : 0;
            time += TimeSpan.FromMinutes(random.Next(0, 30));
            if (round % 97 == 0)
            {
                // One sender's next two nonces confirmed elsewhere: its pending ones below them leave the pool.
                var confirmedSender = Tx((byte)random.Next(1, 13), 0, 0).Sender;
                confirmed[confirmedSender] = confirmed[confirmedSender] with { Nonce = confirmed[confirmedSender].Nonce + 2 };
                pool.Reconcile(a => confirmed[a], [], _ => false, time);
            }

            if (round % 61 == 0)
            {
                pool.Expire(time + TimeSpan.FromHours(random.Next(20, 26)));
            }

            if (round % 13 == 0 && pool.Count > 0)
            {
                // A block confirms one sender's first one or two pending transactions (Confirm's removal path).
                var pending = pool.All.ToList();
                var first = pending[random.Next(pending.Count)];
                var mined = pending.Where(t => t.Sender == first.Sender).OrderBy(t => t.Nonce).Take(random.Next(1, 3)).ToList();
                confirmed[first.Sender] = confirmed[first.Sender] with { Nonce = mined[^1].Nonce + 1 };
                var coinbase = Transaction.CreateCoinbase(NetworkParameters.Dev.Magic, Recipient, 1, (uint)round);
                var header = new BlockHeader(BlockHeader.CurrentVersion, (uint)round, default, default, 0, 0, 0);
                pool.Confirm([new Block(header, [coinbase, .. mined])], a => confirmed[a], time);
            }

            Assert.True(pool.EvictionOrderIsConsistent());
            foreach (var except in senders)
            {
                Assert.Equal(pool.EvictionCandidateByScan(except)?.Id, pool.EvictionCandidate(except)?.Id);
            }
        }

        Assert.True(evictions > 100, $"only {evictions} evictions exercised");
    }

    [Fact]
    public void PendingState_AfterAddsEvictionsReconcileAndExpiry_EqualsStepByStepWalk()
    {
        var random = new Random(5);
        var pool = new TransactionPool(capacity: 40);
        var senders = Enumerable.Range(1, 4).Select(i => Tx((byte)i, 0, 0).Sender).ToArray();
        var time = Now;
        for (var round = 0; round < 300; round++)
        {
            var sender = (byte)random.Next(1, 5);
            var next = pool.PendingState(Tx(sender, 0, 0).Sender, Rich).Nonce;
            pool.Add(Tx(sender, next, random.Next(1, 5_000), random.Next(1, 1_000)), Rich, time);
            if (round % 37 == 0)
            {
                pool.Reconcile(_ => Rich, [], _ => false, time);
            }

            if (round % 53 == 0)
            {
                time += TransactionPool.Expiry / 2;
                pool.Expire(time);
            }

            foreach (var address in senders)
            {
                var walked = Rich;
                foreach (var tx in pool.All.Where(t => t.Sender == address))
                {
                    walked = new AccountState(walked.Balance - tx.Amount - tx.Fee, walked.Nonce + 1);
                }

                Assert.Equal(walked, pool.PendingState(address, Rich));
            }
        }
    }

    [Fact]
    public void Reconcile_AccountReadFailsPartWay_PoolLeftAsItWas()
    {
        // The third sender's account read fails (a store I/O error): the first two were already read.
        var (pool, returning) = PoolOfThreeSenders();
        var before = Snapshot(pool);
        var reads = 0;
        AccountState Confirmed(Address sender) => ++reads == 3 ? throw new IOException("simulated read failure") : Rich;

        Assert.Throws<IOException>(() => pool.Reconcile(Confirmed, returning, _ => false, Now));

        Assert.Equal(before, Snapshot(pool));
        Assert.True(pool.EvictionOrderIsConsistent());
    }

    [Fact]
    public void Reconcile_TransactionIndexReadFailsPartWay_PoolLeftAsItWas()
    {
        var (pool, returning) = PoolOfThreeSenders();
        var before = Snapshot(pool);
        var reads = 0;
        bool InChain(Hash256 id) => ++reads == 4 ? throw new IOException("simulated read failure") : false;

        Assert.Throws<IOException>(() => pool.Reconcile(_ => Rich, returning, InChain, Now));

        Assert.Equal(before, Snapshot(pool));
        Assert.True(pool.EvictionOrderIsConsistent());
    }

    [Fact]
    public void Reconcile_AfterAFailedReconcile_SameAsIfItHadNotFailed()
    {
        var (pool, returning) = PoolOfThreeSenders();
        var (twin, _) = PoolOfThreeSenders();
        Assert.Throws<IOException>(() => pool.Reconcile(_ => throw new IOException("simulated read failure"), returning, _ => false, Now));

        pool.Reconcile(_ => Rich, returning, _ => false, Now);
        twin.Reconcile(_ => Rich, returning, _ => false, Now);

        Assert.Equal(Snapshot(twin), Snapshot(pool));
        Assert.Equal(twin.EvictionCandidate(Address.Zero)?.Id, pool.EvictionCandidate(Address.Zero)?.Id);
    }

    // Three senders with two pending transactions each, and a fourth's transaction returning from a disconnected block.
    private static (TransactionPool Pool, Transaction[] Returning) PoolOfThreeSenders()
    {
        var pool = new TransactionPool();
        AddAll(pool, Tx(1, 0, 1_000), Tx(1, 1, 1_000), Tx(2, 0, 2_000), Tx(2, 1, 2_000), Tx(3, 0, 3_000), Tx(3, 1, 3_000));
        return (pool, [Tx(4, 0, 4_000)]);
    }

    private static List<(Hash256 Id, DateTimeOffset Added)> Snapshot(TransactionPool pool) =>
        [.. pool.All.Select(t => (t.Id, pool.AddedAt(t.Id)))];

    [Fact]
    public void Confirm_RandomPoolsAndBlocks_SameAsFullReconcile()
    {
        // Random pools of 5 senders (some poor), then a block holding pool transactions, conflicting ones (same
        // sender and nonce, other amount), a drain of a sender's balance and strangers: the incremental update
        // must leave exactly what rebuilding the pool leaves, expiry included.
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var balances = Enumerable.Range(0, 5).Select(_ => random.Next(2) == 0 ? 100 * Coin : 3 * Coin).ToArray();
            AccountState Before(int s) => new(balances[s], 0);
            var fast = new TransactionPool();
            var full = new TransactionPool();
            for (var i = 0; i < 40; i++)
            {
                var s = random.Next(5);
                var sender = (byte)(s + 1);
                var nonce = fast.PendingState(Tx(sender, 0, 0).Sender, Before(s)).Nonce;
                var tx = Tx(sender, nonce, random.Next(1, 2_000), random.Next(1, 2) * Coin);
                var added = Now.AddHours(random.Next(0, 30));
                Assert.Equal(fast.Add(tx, Before(s), added), full.Add(tx, Before(s), added));
            }

            var blockTxs = new List<Transaction>();
            var after = Enumerable.Range(0, 5).Select(Before).ToArray();
            foreach (var s in Enumerable.Range(0, 5).Where(_ => random.Next(3) > 0))
            {
                var sender = (byte)(s + 1);
                var pending = fast.All.Where(t => t.Sender == Tx(sender, 0, 0).Sender).OrderBy(t => t.Nonce).ToList();
                var take = random.Next(0, pending.Count + 1);
                for (var n = 0; n < take + random.Next(0, 2); n++)
                {
                    Transaction tx = n < take && random.Next(4) > 0
                        ? pending[n]
                        : Tx(sender, (ulong)n, 7, random.Next(3) == 0 ? after[s].Balance - 7 : Coin / 2); // conflict or drain
                    if (TransactionRules.CheckAgainst(tx, after[s]).IsValid)
                    {
                        blockTxs.Add(tx);
                        after[s] = new AccountState(after[s].Balance - tx.Amount - tx.Fee, after[s].Nonce + 1);
                    }
                }
            }

            blockTxs.Add(Tx(9, 0, 5)); // a sender the pool never saw
            var coinbase = Transaction.CreateCoinbase(NetworkParameters.Dev.Magic, Recipient, 1, 1);
            var header = new BlockHeader(BlockHeader.CurrentVersion, 1, Hash256.Zero, Hash256.Zero, 0, 0, 0);
            var block = new Block(header, [coinbase, .. blockTxs]);
            var ids = blockTxs.Select(t => t.Id).ToHashSet();
            AccountState Confirmed(Address a)
            {
                for (var s = 0; s < 5; s++)
                {
                    if (Tx((byte)(s + 1), 0, 0).Sender == a)
                    {
                        return after[s];
                    }
                }

                return new AccountState(0, a == Tx(9, 0, 0).Sender ? 1UL : 0UL);
            }

            var now = Now.AddHours(random.Next(20, 40));
            fast.Confirm([block], Confirmed, now);
            full.Reconcile(Confirmed, [], ids.Contains, now);

            Assert.Equal(full.All.Select(t => t.Id).Order(), fast.All.Select(t => t.Id).Order());
            for (var s = 0; s < 5; s++)
            {
                var address = Tx((byte)(s + 1), 0, 0).Sender;
                Assert.Equal(full.PendingState(address, after[s]), fast.PendingState(address, after[s]));
            }
        }
    }
}
