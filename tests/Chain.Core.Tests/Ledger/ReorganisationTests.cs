using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Ledger;

public class ReorganisationTests
{
    private const long Coin = Money.UnitsPerCoin;
    private static readonly RSA Alice = TestChain.Key(0);
    private static readonly RSA Bob = TestChain.Key(1);
    private static readonly Address AliceAddress = TestChain.AddressOf(Alice);
    private static readonly Address BobAddress = TestChain.AddressOf(Bob);
    private static readonly Address Carol = TestChain.AddressOf(TestChain.Key(2));
    private static readonly Address Dave = TestChain.AddressOf(TestChain.Key(3));
    private static readonly Address MinerA = Address.Parse("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    private static readonly Address MinerB = Address.Parse("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");

    /// <summary>Blocks on <paramref name="from"/> (which need not be in any chain); block i holds txs[i] if given.</summary>
    private static List<Block> Branch(BlockIndex from, Address miner, int count, params IReadOnlyList<Transaction>[] txs)
    {
        var blocks = new List<Block>();
        var parent = from;
        for (var i = 0; i < count; i++)
        {
            var block = TestChain.Build(parent, miner, i < txs.Length ? txs[i] : null);
            blocks.Add(block);
            parent = new BlockIndex(block, parent);
        }

        return blocks;
    }

    private static Blockchain ChainFundingAliceAndBob()
    {
        var chain = TestChain.NewChain();
        TestChain.Extend(chain, AliceAddress, 1);
        TestChain.Extend(chain, BobAddress, 1);
        TestChain.Mature(chain);
        return chain;
    }

    [Fact]
    public void SubmitBlock_LongerBranchArrives_SwitchesAndReportsDisconnectedTipFirstAndConnectedInOrder()
    {
        var chain = ChainFundingAliceAndBob();
        var fork = chain.Tip;
        var a = Branch(fork, MinerA, 2);
        var b = Branch(fork, MinerB, 3);
        foreach (var block in a)
        {
            Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(block).Status);
        }

        var updates = new List<ChainUpdate>();
        chain.TipChanged += updates.Add;

        Assert.Equal(BlockStatus.Held, chain.SubmitBlock(b[0]).Status); // less work than the tip: not even stored
        Assert.Equal(BlockStatus.SideChain, chain.SubmitBlock(b[1]).Status);
        Assert.Empty(updates);
        var result = chain.SubmitBlock(b[2]);

        Assert.Equal(BlockStatus.Connected, result.Status);
        Assert.Equal([a[1].Hash, a[0].Hash], result.Disconnected.Select(x => x.Hash));
        Assert.Equal(b.Select(x => x.Hash), result.Connected.Select(x => x.Hash));
        var update = Assert.Single(updates);
        Assert.Equal(b[2].Hash, update.Tip.Hash);
        Assert.Equal([a[1].Hash, a[0].Hash], update.Disconnected.Select(x => x.Hash));
        Assert.Equal(b.Select(x => x.Hash), update.Connected.Select(x => x.Hash));
        Assert.Equal(b[0].Hash, chain.GetBlockByHeight(fork.Height + 1)!.Hash);
        Assert.Equal(AccountState.Empty, chain.GetAccount(MinerA));
        Assert.Equal(150 * Coin, TestChain.Holding(chain, MinerB));
        Assert.NotNull(chain.GetBlock(a[1].Hash)); // the old branch stays in the tree
    }

    [Fact]
    public void SubmitBlock_EqualWorkFork_FirstSeenStays()
    {
        var chain = ChainFundingAliceAndBob();
        var fork = chain.Tip;
        var a = Branch(fork, MinerA, 2);
        var b = Branch(fork, MinerB, 2);
        var updates = new List<ChainUpdate>();
        chain.TipChanged += updates.Add;
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(a[0]).Status);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(a[1]).Status);

        Assert.Equal(BlockStatus.Held, chain.SubmitBlock(b[0]).Status);
        Assert.Equal(BlockStatus.SideChain, chain.SubmitBlock(b[1]).Status);

        Assert.Equal(a[1].Hash, chain.Tip.Hash);
        Assert.Equal(2, updates.Count);
        Assert.Equal(chain.GetBlock(a[1].Hash)!.CumulativeWork, chain.GetBlock(b[1].Hash)!.CumulativeWork);
        Assert.Equal(100 * Coin, TestChain.Holding(chain, MinerA));
        Assert.Equal(AccountState.Empty, chain.GetAccount(MinerB));
    }

    [Fact]
    public void SubmitBlock_ReorgAcrossTransfers_StateEqualsChainBuiltAlongWinningBranch()
    {
        var chain = ChainFundingAliceAndBob();
        var prefix = Enumerable.Range(1, (int)chain.Tip.Height).Select(h => chain.GetBlockByHeight((uint)h)!.Block).ToList();
        var fork = chain.Tip;
        var aliceToCarol = TestChain.Transfer(Alice, Carol, 10 * Coin, nonce: 0);
        var aliceToDave = TestChain.Transfer(Alice, Dave, 5 * Coin, nonce: 1);
        var bobToCarol = TestChain.Transfer(Bob, Carol, 3 * Coin, nonce: 0);
        var aliceToDaveOnB = TestChain.Transfer(Alice, Dave, 20 * Coin, nonce: 0, fee: 2_000);
        var a = Branch(fork, MinerA, 2, [aliceToCarol, aliceToDave, bobToCarol]);
        var b = Branch(fork, MinerB, 3, [aliceToDaveOnB]);
        foreach (var block in a.Concat(b))
        {
            Assert.True(chain.SubmitBlock(block).Accepted);
        }

        var straight = TestChain.NewChain();
        foreach (var block in prefix.Concat(b))
        {
            Assert.Equal(BlockStatus.Connected, straight.SubmitBlock(block).Status);
        }

        Assert.Equal(straight.Tip.Hash, chain.Tip.Hash);
        foreach (var address in new[] { AliceAddress, BobAddress, Carol, Dave, MinerA, MinerB, Address.Zero })
        {
            Assert.Equal(straight.GetAccount(address), chain.GetAccount(address));
        }

        Assert.Equal(new AccountState((30 * Coin) - 2_000, 1), chain.GetAccount(AliceAddress));
        Assert.Equal(new AccountState(20 * Coin, 0), chain.GetAccount(Dave));
        Assert.Equal(AccountState.Empty, chain.GetAccount(Carol));
        Assert.Null(chain.FindTransaction(aliceToCarol.Id)?.Block);
        Assert.Equal(b[0].Hash, chain.FindTransaction(aliceToDaveOnB.Id)!.Value.Block!.Hash);
    }

    [Fact]
    public void ContainsTransaction_AcrossReorg_SameAnswerAsFindTransaction()
    {
        var state = new ChainState(TestChain.Dev, TestChain.Clock(), new SignatureCache());
        var funding = Branch(state.Tip, AliceAddress, 1);
        Assert.Equal(BlockStatus.Connected, state.Add(funding[0]).Status);
        foreach (var filler in Branch(state.Tip, TestChain.Filler, TestChain.Dev.CoinbaseMaturity - 1))
        {
            funding.Add(filler);
            Assert.Equal(BlockStatus.Connected, state.Add(filler).Status);
        }
        var fork = state.Tip;
        var a = Branch(fork, MinerA, 2, [TestChain.Transfer(Alice, Carol, Coin, nonce: 0)], [TestChain.Transfer(Alice, Dave, Coin, nonce: 1)]);
        var b = Branch(fork, MinerB, 3, [TestChain.Transfer(Alice, Dave, 2 * Coin, nonce: 0)]);
        var ids = funding.Concat(a).Concat(b).SelectMany(block => block.Transactions).Select(t => t.Id).Append(Hash256.Zero).ToList();

        void AssertAgree()
        {
            foreach (var id in ids)
            {
                Assert.Equal(state.FindTransaction(id) is not null, state.ContainsTransaction(id));
            }
        }

        AssertAgree();
        foreach (var block in a.Concat(b))
        {
            Assert.True(state.Add(block).Accepted);
            AssertAgree();
        }

        Assert.Equal(b[^1].Hash, state.Tip.Hash);
        Assert.False(state.ContainsTransaction(a[0].Transactions[1].Id));
        Assert.True(state.ContainsTransaction(b[0].Transactions[1].Id));
    }

    [Fact]
    public void SubmitBlock_ReorgAbandonsTransfers_StillValidOnesReturnToMempoolConflictingOnesDoNot()
    {
        var chain = ChainFundingAliceAndBob();
        var fork = chain.Tip;
        var aliceNonce0 = TestChain.Transfer(Alice, Carol, 10 * Coin, nonce: 0);
        var aliceNonce1 = TestChain.Transfer(Alice, Dave, 5 * Coin, nonce: 1);
        var bobNonce0 = TestChain.Transfer(Bob, Carol, 3 * Coin, nonce: 0);
        var aliceNonce0OnB = TestChain.Transfer(Alice, Dave, 20 * Coin, nonce: 0, fee: 2_000);
        var a = Branch(fork, MinerA, 1, [aliceNonce0, aliceNonce1, bobNonce0]);
        var b = Branch(fork, MinerB, 2, [aliceNonce0OnB]);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(a[0]).Status);
        Assert.Equal(0, chain.MempoolCount);

        Assert.Equal(BlockStatus.SideChain, chain.SubmitBlock(b[0]).Status);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(b[1]).Status);

        var pending = chain.GetMempool().Select(t => t.Id).ToHashSet();
        Assert.Equal(2, pending.Count);
        Assert.Contains(aliceNonce1.Id, pending); // nonce 1 follows the new branch's nonce 0
        Assert.Contains(bobNonce0.Id, pending);
        Assert.DoesNotContain(aliceNonce0.Id, pending); // nonce 0 is taken on the new branch
        Assert.DoesNotContain(aliceNonce0OnB.Id, pending);

        var template = chain.CreateTemplate(MinerB);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(new Block(TestChain.Solve(template.Header), template.Transactions)).Status);
        Assert.Equal(new AccountState((25 * Coin) - 3_000, 2), chain.GetAccount(AliceAddress));
        Assert.Equal(0, chain.MempoolCount);
    }

    [Fact]
    public void SubmitBlock_SideBranchOverspendsDeeper_ReorgFailsOldChainStaysBranchMarkedInvalid()
    {
        var chain = ChainFundingAliceAndBob();
        var fork = chain.Tip;
        var a = Branch(fork, MinerA, 2);
        var overspend = TestChain.Transfer(Bob, Carol, 51 * Coin, nonce: 0);
        var b = Branch(fork, MinerB, 4, [], [overspend]);
        foreach (var block in a)
        {
            Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(block).Status);
        }

        var before = new[] { AliceAddress, BobAddress, Carol, MinerA, MinerB }.Select(chain.GetAccount).ToList();
        var updates = new List<ChainUpdate>();
        chain.TipChanged += updates.Add;

        Assert.Equal(BlockStatus.Held, chain.SubmitBlock(b[0]).Status);
        Assert.Equal(BlockStatus.SideChain, chain.SubmitBlock(b[1]).Status); // equal work: not state-checked yet
        var result = chain.SubmitBlock(b[2]);

        Assert.Equal(BlockStatus.Invalid, result.Status);
        Assert.Equal(BlockError.InvalidAncestor, result.Error);
        Assert.Contains(b[1].Hash.ToString(), result.Message, StringComparison.Ordinal);
        Assert.Equal(a[1].Hash, chain.Tip.Hash);
        Assert.Empty(updates);
        Assert.Equal(before, new[] { AliceAddress, BobAddress, Carol, MinerA, MinerB }.Select(chain.GetAccount).ToList());
        Assert.False(chain.GetBlock(b[0].Hash)!.IsInvalid);
        Assert.True(chain.GetBlock(b[1].Hash)!.IsInvalid);
        Assert.True(chain.GetBlock(b[2].Hash)!.IsInvalid);

        var child = chain.SubmitBlock(b[3]);
        Assert.Equal(BlockStatus.Invalid, child.Status);
        Assert.Equal(BlockError.InvalidAncestor, child.Error);
        Assert.Equal(BlockError.InvalidAncestor, chain.SubmitBlock(b[1]).Error);
        Assert.Equal(a[1].Hash, chain.Tip.Hash);

        // The valid part of the side branch can still win with a valid continuation.
        var good = Branch(chain.GetBlock(b[0].Hash)!, MinerB, 2);
        Assert.Equal(BlockStatus.SideChain, chain.SubmitBlock(good[0]).Status);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(good[1]).Status);
        Assert.Equal(good[1].Hash, chain.Tip.Hash);
    }

    [Fact]
    public void SubmitBlock_OverspendingBlockWouldTakeTheLead_InsufficientBalanceAndOldTipStays()
    {
        var chain = ChainFundingAliceAndBob();
        var fork = chain.Tip;
        var a = Branch(fork, MinerA, 1);
        var overspend = TestChain.Transfer(Bob, Carol, 51 * Coin, nonce: 0);
        var b = Branch(fork, MinerB, 2, [], [overspend]);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(a[0]).Status);
        Assert.Equal(BlockStatus.SideChain, chain.SubmitBlock(b[0]).Status);

        var result = chain.SubmitBlock(b[1]);

        Assert.Equal(BlockStatus.Invalid, result.Status);
        Assert.Equal(BlockError.InsufficientBalance, result.Error);
        Assert.Equal(a[0].Hash, chain.Tip.Hash);
        Assert.Equal(50 * Coin, TestChain.Holding(chain, MinerA));
        Assert.Equal(AccountState.Empty, chain.GetAccount(MinerB));
        Assert.True(chain.GetBlock(b[1].Hash)!.IsInvalid);
    }

    [Fact]
    public void SubmitBlock_MainShorterBranchWithMoreWork_Wins()
    {
        // Main retargets at height 10: a branch of ten one-second blocks reaches a four times harder target
        // and outweighs eleven blocks on schedule at the easiest target.
        var main = NetworkParameters.Main;
        var chain = new Blockchain(main, TestChain.Clock(main));
        var genesis = chain.Tip;
        var longer = MainBranch(genesis, MinerA, 11, main.TargetBlockSeconds);
        var shorter = MainBranch(genesis, MinerB, 10, 1);
        foreach (var block in longer)
        {
            Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(block).Status);
        }

        for (var i = 0; i < 9; i++)
        {
            // Less work than the longer branch until the last: held, neither validated nor stored.
            Assert.Equal(BlockStatus.Held, chain.SubmitBlock(shorter[i]).Status);
        }

        var result = chain.SubmitBlock(shorter[9]);

        Assert.Equal(BlockStatus.Connected, result.Status);
        Assert.Equal(11, result.Disconnected.Count);
        Assert.Equal(10, result.Connected.Count);
        Assert.Equal(10u, chain.Tip.Height);
        Assert.Equal(Target.Expand(main.PowLimitBits) / 4, Target.Expand(chain.Tip.Header.Bits));
        Assert.True(chain.Tip.CumulativeWork > chain.GetBlock(longer[^1].Hash)!.CumulativeWork);
        Assert.Equal(10 * main.InitialReward, chain.GetImmatureBalance(MinerB)); // main's coinbases mature after 100 blocks
    }

    private static List<Block> MainBranch(BlockIndex from, Address miner, int count, long seconds)
    {
        var blocks = new List<Block>();
        var parent = from;
        for (var i = 0; i < count; i++)
        {
            var block = TestChain.Build(parent, miner, network: NetworkParameters.Main, timestamp: parent.Header.Timestamp + seconds);
            blocks.Add(block);
            parent = new BlockIndex(block, parent);
        }

        return blocks;
    }
}
