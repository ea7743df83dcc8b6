using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Tests.TestSupport;
using CsCheck;

namespace Chain.Core.Tests.Ledger;

/// <summary>
/// A block checked on several threads (transfers and state changes on one, signatures on the others) gets the
/// verdict, error, message and resulting state of the same block checked in order on one thread.
/// </summary>
public class ParallelValidationTests
{
    private const long Coin = Money.UnitsPerCoin;
    private const int NoncesPerSender = 12;

    private static readonly RSA Alice = TestChain.Key(0);
    private static readonly RSA Bob = TestChain.Key(1);
    private static readonly Address Carol = TestChain.AddressOf(TestChain.Key(2));
    private static readonly Address Miner = TestChain.AddressOf(TestChain.Key(3));

    // Honest transfers of both senders, and for each of Alice's nonces a second transfer with that nonce and one
    // spending more than she has: all signed once, since RSA signing is the slow part of building a case.
    private static readonly Lazy<Transfers> Signed = new(() => new Transfers(
        [.. Enumerable.Range(0, NoncesPerSender).Select(n => TestChain.Transfer(Alice, Carol, Coin, (ulong)n))],
        [.. Enumerable.Range(0, NoncesPerSender).Select(n => TestChain.Transfer(Bob, Carol, Coin, (ulong)n))],
        [.. Enumerable.Range(0, NoncesPerSender).Select(n => TestChain.Transfer(Alice, Carol, 2 * Coin, (ulong)n))],
        [.. Enumerable.Range(0, NoncesPerSender).Select(n => TestChain.Transfer(Alice, Carol, 1_000 * Coin, (ulong)n))],
        TestChain.Transfer(Bob, Carol, Coin, NoncesPerSender, network: NetworkParameters.Main)));

    [Fact]
    public void SubmitBlock_AnyMixOfFaults_SameResultOnOneThreadAndMany()
    {
        // -1 leaves a fault out (half the time, a third for the faults that are found before any signature);
        // otherwise it picks the transaction it applies to.
        static Gen<int> Sometimes(int last, int outOf) => Gen.Frequency((outOf - 1, Gen.Const(-1)), (1, Gen.Int[0, last]));
        var faults = Gen.Select(Sometimes((2 * NoncesPerSender) - 1, 2), Sometimes((2 * NoncesPerSender) - 1, 3), Sometimes(NoncesPerSender - 1, 2), Sometimes(NoncesPerSender - 1, 2), Sometimes(2 * NoncesPerSender, 3), Gen.Bool);
        faults.Sample((forged, duplicated, secondNonce, overspent, foreignAt, prefixOnly) =>
        {
            var signed = Signed.Value;
            var txs = new List<Transaction>();
            for (var n = 0; n < NoncesPerSender; n++)
            {
                txs.Add(n == overspent ? signed.Overspending[n] : signed.Alice[n]);
                txs.Add(signed.Bob[n]);
            }

            if (prefixOnly)
            {
                txs.RemoveRange(6, txs.Count - 6);
            }

            if (forged >= 0 && forged < txs.Count)
            {
                var tx = txs[forged];
                var signature = (byte[])tx.Signature.Clone();
                signature[^1] ^= 0x01;
                txs[forged] = Transaction.FromParts(tx.Network, tx.SenderPublicKey, tx.Recipient, tx.Amount, tx.Fee, tx.Nonce, signature);
            }

            if (duplicated >= 0 && duplicated < txs.Count)
            {
                txs.Add(txs[duplicated]);
            }

            if (secondNonce >= 0)
            {
                txs.Add(signed.SecondWithNonce[secondNonce]);
            }

            if (foreignAt >= 0)
            {
                txs.Insert(Math.Min(foreignAt, txs.Count), signed.ForeignNetwork);
            }

            var one = Funded(threads: 1);
            var many = Funded(threads: 4);
            var block = TestChain.Build(one.Tip, Miner, txs);

            var expected = one.SubmitBlock(block);
            var actual = many.SubmitBlock(block);

            Assert.Equal(expected.Status, actual.Status);
            Assert.Equal(expected.Error, actual.Error);
            Assert.Equal(expected.Message, actual.Message);
            Assert.Equal(one.Tip.Hash, many.Tip.Hash);
            foreach (var address in new[] { TestChain.AddressOf(Alice), TestChain.AddressOf(Bob), Carol, Miner })
            {
                Assert.Equal(one.GetAccount(address), many.GetAccount(address));
            }
        }, iter: 150);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void SubmitBlock_SeveralFaults_ReportedInRuleOrder(int threads)
    {
        // Transfers before signatures before state, however the checks are spread over threads.
        var signed = Signed.Value;
        var forgedSignature = (byte[])signed.Bob[3].Signature.Clone();
        forgedSignature[0] ^= 0x01;
        var tx = signed.Bob[3];
        var forged = Transaction.FromParts(tx.Network, tx.SenderPublicKey, tx.Recipient, tx.Amount, tx.Fee, tx.Nonce, forgedSignature);
        List<Transaction> honest = [.. signed.Alice.Take(4), .. signed.Bob.Take(3)];

        var chain = Funded(threads);
        var height = chain.Tip.Height;
        var duplicateAndForged = chain.SubmitBlock(TestChain.Build(chain.Tip, Miner, [.. honest, forged, honest[0]]));
        var foreignAndForged = chain.SubmitBlock(TestChain.Build(chain.Tip, Miner, [.. honest, forged, signed.ForeignNetwork]));
        var forgedAndOverspent = chain.SubmitBlock(TestChain.Build(chain.Tip, Miner, [signed.Overspending[0], .. signed.Bob.Take(3), forged]));
        var overspentAndSecondNonce = chain.SubmitBlock(TestChain.Build(chain.Tip, Miner, [signed.Overspending[0], signed.SecondWithNonce[0]]));

        Assert.Equal(BlockError.DuplicateTransaction, duplicateAndForged.Error);
        Assert.Equal(BlockError.BadTransaction, foreignAndForged.Error);
        Assert.Contains(nameof(TxError.WrongNetwork), foreignAndForged.Message, StringComparison.Ordinal);
        Assert.Equal(BlockError.BadTransaction, forgedAndOverspent.Error);
        Assert.Contains(nameof(TxError.BadSignature), forgedAndOverspent.Message, StringComparison.Ordinal);
        Assert.Equal(BlockError.InsufficientBalance, overspentAndSecondNonce.Error);
        Assert.Equal(height, chain.Tip.Height);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void SubmitBlock_TwoForgedSignatures_LowestIndexNamedEveryTime(int threads)
    {
        // A check in block order names the first bad signature; threads finishing in any order must name the same.
        var signed = Signed.Value;
        var txs = new List<Transaction>();
        for (var n = 0; n < NoncesPerSender; n++)
        {
            txs.Add(signed.Alice[n]);
            txs.Add(signed.Bob[n]);
        }

        txs[8] = Forged(txs[8]);
        txs[9] = Forged(txs[9]);
        var block = TestChain.Build(Funded(threads).Tip, Miner, txs);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var result = Funded(threads).SubmitBlock(block);

            Assert.Equal(BlockError.BadTransaction, result.Error);
            Assert.Contains(txs[8].Id.ToString(), result.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SignatureRun_LaterChunkFailsFirst_StillReportsTheLowerIndex()
    {
        // Two threads start together: one takes transactions 1-8 (bad at 8, its last), the other 9-16 (bad at 9, its
        // first), so 9 is usually found first in time; the run must still report 8.
        var signed = Signed.Value;
        var txs = new List<Transaction> { TestChain.Build(Funded(1).Tip, Miner).Transactions[0] };
        for (var n = 0; n < NoncesPerSender; n++)
        {
            txs.Add(signed.Alice[n]);
            txs.Add(signed.Bob[n]);
        }

        txs[8] = Forged(txs[8]);
        txs[9] = Forged(txs[9]);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var run = new SignatureRun(txs, new SignatureCache());
            using var start = new Barrier(2);
            var threads = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                run.Verify();
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            Assert.Equal(8, run.FailedIndex);
        }
    }

    [Fact]
    public void SignatureRun_HelperMeetsAnException_CallingThreadRethrowsIt()
    {
        // Whichever thread meets the failing transaction, the caller must not take the unfinished run as "no bad
        // signature": the exception reaches it, from its own Verify or from ThrowIfHelperFailed.
        var signed = Signed.Value;
        var txs = new ThrowingAt(20, [TestChain.Build(Funded(1).Tip, Miner).Transactions[0], .. signed.Alice, .. signed.Bob]);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var run = new SignatureRun(txs, new SignatureCache());
            run.StartHelpers(1);
            Exception? seen = null;
            try
            {
                run.Verify();
            }
            catch (InvalidOperationException e)
            {
                seen = e;
                run.Stop();
            }

            run.WaitForChunksTaken();
            seen ??= Record.Exception(run.ThrowIfHelperFailed);

            Assert.IsType<InvalidOperationException>(seen);
        }
    }

    [Fact]
    public void SubmitBlock_OrphanWithBadTransfer_RefusedAndNeverConnected()
    {
        var chain = Funded(threads: 4);
        var signed = Signed.Value;
        var parent = TestChain.Build(chain.Tip, Miner);
        var child = TestChain.Build(chain.GetBlock(chain.Tip.Hash)!, Miner, [signed.Alice[0], signed.ForeignNetwork], height: parent.Height + 1);
        var orphan = new Block(TestChain.Solve(new BlockHeader(child.Header.Version, child.Header.Height, parent.Hash, child.Header.MerkleRoot, parent.Header.Timestamp + 1, child.Header.Bits, 0)), child.Transactions);

        var refused = chain.SubmitBlock(orphan);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(parent).Status);

        Assert.Equal(BlockStatus.Invalid, refused.Status);
        Assert.Equal(BlockError.BadTransaction, refused.Error);
        Assert.Contains(nameof(TxError.WrongNetwork), refused.Message, StringComparison.Ordinal);
        Assert.Equal(parent.Hash, chain.Tip.Hash);
    }

    [Fact]
    public void Add_RefusedOrSideBranchBlock_LeavesTheSignatureCacheAlone()
    {
        // Cache hits leave only when their block connects: a block that fails or waits on a side branch must not
        // make the next real block verify the mempool's transactions again.
        var signed = Signed.Value;
        var cache = new SignatureCache();
        var state = new ChainState(TestChain.Dev, TestChain.Clock(), cache) { ValidationThreads = 4 };
        foreach (var funding in new[] { Alice, Bob })
        {
            Assert.Equal(BlockStatus.Connected, state.Add(TestChain.Build(state.Tip, TestChain.AddressOf(funding))).Status);
        }

        for (var i = 1; i < TestChain.Dev.CoinbaseMaturity; i++)
        {
            Assert.Equal(BlockStatus.Connected, state.Add(TestChain.Build(state.Tip, TestChain.Filler)).Status);
        }

        var pending = signed.Alice.Take(6).Concat(signed.Bob.Take(6)).ToList();
        Assert.All(pending, tx => Assert.True(cache.Verify(tx)));
        var fork = state.Tip;
        Assert.Equal(BlockStatus.Connected, state.Add(TestChain.Build(state.Tip, Miner)).Status);

        var overspending = TestChain.Build(state.Tip, Miner, [signed.Overspending[0], .. pending.Skip(1)]);
        var duplicate = TestChain.Build(state.Tip, Miner, [.. pending, pending[0]]);
        var side = TestChain.Build(fork, Miner, pending);
        Assert.Equal(BlockError.InsufficientBalance, state.Add(overspending).Error);
        Assert.Equal(BlockError.DuplicateTransaction, state.Add(duplicate).Error);
        Assert.Equal(BlockStatus.SideChain, state.Add(side).Status);
        Assert.Equal(pending.Count, cache.Count);

        Assert.Equal(BlockStatus.Connected, state.Add(TestChain.Build(state.GetEntry(side.Hash)!, Miner)).Status);
        Assert.Equal(0, cache.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void SubmitBlock_NonceBelowTheTipsReplayed_BadTransactionNotDuplicateNonce(int threads)
    {
        // A second use of a nonce inside the block is DuplicateNonce; a nonce the chain already used is NonceTooLow.
        var signed = Signed.Value;
        var chain = Funded(threads);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(TestChain.Build(chain.Tip, Miner, [signed.Alice[0]])).Status);

        var replay = chain.SubmitBlock(TestChain.Build(chain.Tip, Miner, [signed.SecondWithNonce[0]]));
        var twice = chain.SubmitBlock(TestChain.Build(chain.Tip, Miner, [signed.Alice[1], signed.SecondWithNonce[1]]));

        Assert.Equal(BlockError.BadTransaction, replay.Error);
        Assert.Contains(nameof(TxError.NonceTooLow), replay.Message, StringComparison.Ordinal);
        Assert.Equal(BlockError.DuplicateNonce, twice.Error);
    }

    [Fact]
    public void SubmitBlock_OnSideBranchThenReorganised_SameStateOnOneThreadAndMany()
    {
        // A block off the tip gets no prepared state changes: they are worked out when its branch takes over.
        var results = new[] { 1, 4 }.Select(threads =>
        {
            var chain = Funded(threads);
            var fork = chain.Tip;
            TestChain.Extend(chain, Miner, 1);
            var signed = Signed.Value;
            var side = TestChain.Build(fork, Miner, [.. signed.Alice.Take(5), .. signed.Bob.Take(5)]);
            Assert.Equal(BlockStatus.SideChain, chain.SubmitBlock(side).Status);
            Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(TestChain.Build(chain.GetBlock(side.Hash)!, Miner)).Status);
            return (chain.Tip.Hash, chain.GetAccount(TestChain.AddressOf(Alice)), chain.GetAccount(Carol), TestChain.Holding(chain, Miner));
        }).ToList();

        Assert.Equal(results[0], results[1]);
        Assert.Equal(new AccountState(10 * Coin, 0), results[0].Item3);
        Assert.Equal((2 * NetworkParameters.Dev.BlockReward(1)) + (10 * 1_000), results[0].Item4);
    }

    private static Transaction Forged(Transaction tx)
    {
        var signature = (byte[])tx.Signature.Clone();
        signature[^1] ^= 0x01;
        return Transaction.FromParts(tx.Network, tx.SenderPublicKey, tx.Recipient, tx.Amount, tx.Fee, tx.Nonce, signature);
    }

    private static Blockchain Funded(int threads)
    {
        var chain = TestChain.NewChain();
        chain.ValidationThreads = threads;
        TestChain.Extend(chain, TestChain.AddressOf(Alice), 1);
        TestChain.Extend(chain, TestChain.AddressOf(Bob), 1);
        TestChain.Mature(chain);
        return chain;
    }

    // A block's transactions where reading one index fails, as an unexpected fault inside verification would.
    private sealed class ThrowingAt(int index, List<Transaction> txs) : IReadOnlyList<Transaction>
    {
        public int Count => txs.Count;

        public Transaction this[int i] => i == index ? throw new InvalidOperationException("injected") : txs[i];

        public IEnumerator<Transaction> GetEnumerator() => txs.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed record Transfers(
        Transaction[] Alice,
        Transaction[] Bob,
        Transaction[] SecondWithNonce,
        Transaction[] Overspending,
        Transaction ForeignNetwork);
}
