using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Ledger;

/// <summary>
/// Coinbase maturity (ENCODING.md): the coinbase of the block at height h is spendable by a transfer in a block at
/// height h + maturity or later; until then it is immature, outside the balance.
/// </summary>
public class CoinbaseMaturityTests
{
    private const long Coin = Money.UnitsPerCoin;
    private static readonly int Maturity = NetworkParameters.Dev.CoinbaseMaturity;
    private static readonly RSA Alice = TestChain.Key(0);
    private static readonly Address AliceAddress = TestChain.AddressOf(Alice);
    private static readonly Address Bob = TestChain.AddressOf(TestChain.Key(1));
    private static readonly Address MinerA = Address.Parse("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    private static readonly Address MinerB = Address.Parse("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");

    private static List<Block> Branch(BlockIndex from, Address miner, int count)
    {
        var blocks = new List<Block>();
        var parent = from;
        for (var i = 0; i < count; i++)
        {
            var block = TestChain.Build(parent, miner);
            blocks.Add(block);
            parent = new BlockIndex(block, parent);
        }

        return blocks;
    }

    [Fact]
    public void CoinbaseMaturity_PerNetwork_HundredOnMainThreeOnDev()
    {
        Assert.Equal(100, NetworkParameters.Main.CoinbaseMaturity);
        Assert.Equal(3, NetworkParameters.Dev.CoinbaseMaturity);
    }

    [Fact]
    public void SubmitBlock_TransferSpendsCoinbaseOfPreviousBlock_InsufficientBalance()
    {
        var chain = TestChain.NewChain();
        TestChain.Extend(chain, AliceAddress, 1);
        var spend = TestChain.Transfer(Alice, Bob, 1 * Coin, nonce: 0);

        var result = chain.SubmitBlock(TestChain.Build(chain.Tip, MinerA, [spend]));

        Assert.Equal(BlockStatus.Invalid, result.Status);
        Assert.Equal(BlockError.InsufficientBalance, result.Error);
        Assert.Equal(1u, chain.Tip.Height);
    }

    [Fact]
    public void SubmitBlock_SpendOfCoinbaseFromHeightH_RefusedAtHeightHPlusMaturityMinusOneConnectedAtHPlusMaturity()
    {
        var chain = TestChain.NewChain();
        TestChain.Extend(chain, AliceAddress, 1);
        TestChain.Extend(chain, MinerA, Maturity - 2);
        var spend = TestChain.Transfer(Alice, Bob, 1 * Coin, nonce: 0);
        Assert.Equal((uint)Maturity - 1, chain.Tip.Height);

        var early = chain.SubmitBlock(TestChain.Build(chain.Tip, MinerA, [spend]));
        Assert.Equal(BlockError.InsufficientBalance, early.Error);

        TestChain.Extend(chain, MinerA, 1);
        var onTime = chain.SubmitBlock(TestChain.Build(chain.Tip, MinerA, [spend]));
        Assert.Equal(BlockStatus.Connected, onTime.Status);
        Assert.Equal((uint)Maturity + 1, chain.Tip.Height);
        Assert.Equal(new AccountState(49 * Coin - spend.Fee, 1), chain.GetAccount(AliceAddress));
        Assert.Equal(1 * Coin, chain.GetAccount(Bob).Balance);
    }

    [Fact]
    public void GetAccount_EachBlockAfterTheCoinbase_ImmatureUntilHeightPlusMaturityMinusOneThenInTheBalance()
    {
        var chain = TestChain.NewChain();
        TestChain.Extend(chain, AliceAddress, 1);
        for (var height = 1; height <= Maturity + 1; height++)
        {
            var credited = height >= Maturity;
            Assert.Equal(credited ? 50 * Coin : 0, chain.GetAccount(AliceAddress).Balance);
            Assert.Equal(credited ? 0 : 50 * Coin, chain.GetImmatureBalance(AliceAddress));
            TestChain.Extend(chain, MinerA, 1);
        }
    }

    [Fact]
    public void GetImmatureBalance_MinerOfEveryBlock_LastMaturityMinusOneCoinbasesIncludingFees()
    {
        var chain = TestChain.NewChain();
        TestChain.Extend(chain, AliceAddress, 1);
        TestChain.Mature(chain);
        var spend = TestChain.Transfer(Alice, Bob, 1 * Coin, nonce: 0, fee: 5_000);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(TestChain.Build(chain.Tip, MinerA, [spend])).Status);
        TestChain.Extend(chain, MinerA, Maturity);

        // MinerA mined the last maturity + 1 blocks, the first with the fee: the two oldest matured, the rest wait.
        Assert.Equal(50 * Coin + 5_000 + 50 * Coin, chain.GetAccount(MinerA).Balance);
        Assert.Equal((Maturity - 1) * 50 * Coin, chain.GetImmatureBalance(MinerA));
        Assert.Equal(0, chain.GetImmatureBalance(Bob));
    }

    [Fact]
    public void SubmitTransaction_SpendsImmatureCoinbase_InsufficientBalanceThenAcceptedOnceMature()
    {
        var chain = TestChain.NewChain();
        TestChain.Extend(chain, AliceAddress, 1);
        TestChain.Extend(chain, MinerA, Maturity - 2);
        var spend = TestChain.Transfer(Alice, Bob, 1 * Coin, nonce: 0);

        Assert.Equal(TxError.InsufficientBalance, chain.SubmitTransaction(spend).Error);

        TestChain.Extend(chain, MinerA, 1);
        Assert.True(chain.SubmitTransaction(spend).IsValid);
        var template = chain.CreateTemplate(MinerA);
        Assert.Contains(template.Transactions, t => t.Id == spend.Id);
    }

    [Fact]
    public void SubmitBlock_OneBlockReorgUnderASpendOfAMatureCoinbase_SpendReturnsToMempoolStillValid()
    {
        var chain = TestChain.NewChain();
        TestChain.Extend(chain, AliceAddress, 1);
        TestChain.Mature(chain);
        var fork = chain.Tip;
        var spend = TestChain.Transfer(Alice, Bob, 1 * Coin, nonce: 0);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(TestChain.Build(fork, MinerA, [spend])).Status);
        Assert.Equal(50 * Coin + spend.Fee, chain.GetImmatureBalance(MinerA));

        var other = Branch(fork, MinerB, 2);
        Assert.Equal(BlockStatus.SideChain, chain.SubmitBlock(other[0]).Status);
        var result = chain.SubmitBlock(other[1]);

        // Only the replaced block's own coinbase (immature, so spent by nobody) is gone; the spend is valid again.
        Assert.Equal(BlockStatus.Connected, result.Status);
        Assert.Single(result.Disconnected);
        Assert.Equal(0, chain.GetImmatureBalance(MinerA) + chain.GetAccount(MinerA).Balance);
        Assert.Equal(new AccountState(50 * Coin, 0), chain.GetAccount(AliceAddress));
        Assert.Equal(spend.Id, Assert.Single(chain.GetMempool()).Id);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(TestChain.Build(chain.Tip, MinerB, [spend])).Status);
        Assert.Equal(1 * Coin, chain.GetAccount(Bob).Balance);
    }

    [Fact]
    public void SubmitBlock_ReorgRemovesTheBlockThatPaidTheSender_MempoolDropsTheSpend()
    {
        var chain = TestChain.NewChain();
        TestChain.Extend(chain, AliceAddress, 1);
        TestChain.Mature(chain);
        var spend = TestChain.Transfer(Alice, Bob, 1 * Coin, nonce: 0);
        Assert.True(chain.SubmitTransaction(spend).IsValid);

        var other = Branch(chain.GetBlockByHeight(0)!, MinerB, Maturity + 1);
        var results = other.Select(chain.SubmitBlock).ToList();

        Assert.Equal(BlockStatus.Connected, results[^1].Status);
        Assert.Equal(other[^1].Hash, chain.Tip.Hash);
        Assert.Equal(AccountState.Empty, chain.GetAccount(AliceAddress));
        Assert.Equal(0, chain.GetImmatureBalance(AliceAddress));
        Assert.Empty(chain.GetMempool());
        Assert.Equal(TxError.InsufficientBalance, chain.SubmitTransaction(spend).Error);
    }

    [Fact]
    public void SubmitBlock_ReorgBackAndForth_StateAndImmatureExactlyAsBefore()
    {
        var chain = TestChain.NewChain();
        TestChain.Extend(chain, AliceAddress, 1);
        TestChain.Mature(chain);
        var fork = chain.Tip;
        var spend = TestChain.Transfer(Alice, Bob, 1 * Coin, nonce: 0);
        var first = new List<Block> { TestChain.Build(fork, MinerA, [spend]) };
        first.AddRange(Branch(new BlockIndex(first[0], fork), MinerA, Maturity));
        foreach (var block in first)
        {
            Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(block).Status);
        }

        Address[] watched = [AliceAddress, Bob, MinerA, MinerB, TestChain.Filler];
        var before = watched.Select(a => (chain.GetAccount(a), chain.GetImmatureBalance(a))).ToList();

        var second = Branch(fork, MinerB, first.Count + 1);
        foreach (var block in second)
        {
            chain.SubmitBlock(block);
        }

        Assert.Equal(second[^1].Hash, chain.Tip.Hash);
        Assert.Equal((Maturity - 1) * 50 * Coin, chain.GetImmatureBalance(MinerB));
        Assert.Equal(0, chain.GetImmatureBalance(MinerA) + chain.GetAccount(MinerA).Balance);

        // The first branch wins again: every account and immature amount is what it was.
        foreach (var block in Branch(chain.GetBlock(first[^1].Hash)!, MinerA, 2))
        {
            chain.SubmitBlock(block);
        }

        Assert.Equal(first[^1].Hash, chain.Tip.Parent!.Parent!.Hash);
        var after = watched.Select(a => (chain.GetAccount(a), chain.GetImmatureBalance(a))).ToList();
        Assert.Equal(before[0], after[0]);
        Assert.Equal(before[1], after[1]);
        Assert.Equal(before[3], after[3]);
        Assert.Equal(before[4], after[4]);

        // MinerA's two new blocks moved two of its coinbases from immature to the balance.
        Assert.Equal(before[2].Item1.Balance + before[2].Item2 + 100 * Coin, after[2].Item1.Balance + after[2].Item2);
        Assert.Equal(before[2].Item1.Balance + 100 * Coin, after[2].Item1.Balance);
    }
}
