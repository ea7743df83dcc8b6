using Chain.Core.Ledger;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Ledger;

public class BlockchainSmokeTests
{
    [Fact]
    public void SubmitBlock_MinedCoinbaseThenTransfer_BalancesMove()
    {
        var chain = TestChain.NewChain();
        var alice = TestChain.Key(0);
        var aliceAddress = TestChain.AddressOf(alice);
        var bob = TestChain.AddressOf(TestChain.Key(1));

        // Three blocks on dev (coinbase maturity 3): the first coinbase is spendable, the other two are immature.
        TestChain.Extend(chain, aliceAddress, 3);
        Assert.Equal(3u, chain.Tip.Height);
        Assert.Equal(50 * Money.UnitsPerCoin, chain.GetAccount(aliceAddress).Balance);
        Assert.Equal(100 * Money.UnitsPerCoin, chain.GetImmatureBalance(aliceAddress));

        var tx = TestChain.Transfer(alice, bob, 10 * Money.UnitsPerCoin, nonce: 0);
        Assert.True(chain.SubmitTransaction(tx).IsValid);
        Assert.Equal(1, chain.MempoolCount);

        var template = chain.CreateTemplate(aliceAddress);
        Assert.Equal(2, template.Transactions.Count);
        var block = new Block(TestChain.Solve(template.Header), template.Transactions);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(block).Status);

        Assert.Equal(0, chain.MempoolCount);
        Assert.Equal(10 * Money.UnitsPerCoin, chain.GetAccount(bob).Balance);
        Assert.Equal((90 * Money.UnitsPerCoin) - tx.Fee, chain.GetAccount(aliceAddress).Balance); // block 2's coinbase matured
        Assert.Equal((100 * Money.UnitsPerCoin) + tx.Fee, chain.GetImmatureBalance(aliceAddress));
        Assert.Equal(1ul, chain.GetAccount(aliceAddress).Nonce);
    }
}
