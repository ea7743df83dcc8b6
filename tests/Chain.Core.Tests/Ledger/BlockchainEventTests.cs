using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Ledger;

/// <summary>Ledger events: a throwing handler neither skips the others nor fails the submission that raised it.</summary>
public class BlockchainEventTests
{
    private static readonly Address Miner = Address.Parse("cccccccccccccccccccccccccccccccccccccccc");

    [Fact]
    public void SubmitBlock_TipChangedHandlerThrows_BlockConnectedOtherHandlersRunFailureReported()
    {
        var chain = TestChain.NewChain();
        var failures = new List<Exception>();
        var seen = 0;
        chain.HandlerFailed += failures.Add;
        chain.TipChanged += _ => throw new InvalidOperationException("handler bug");
        chain.TipChanged += _ => seen++;

        var result = chain.SubmitBlock(TestChain.Build(chain.Tip, Miner));

        Assert.Equal(BlockStatus.Connected, result.Status);
        Assert.Equal(1u, chain.Tip.Height);
        Assert.Equal(1, seen);
        Assert.Equal("handler bug", Assert.Single(failures).Message);
    }

    [Fact]
    public void SubmitTransaction_TransactionAddedHandlerThrows_TransactionAcceptedFailureReported()
    {
        var chain = TestChain.NewChain();
        var alice = TestChain.Key(0);
        TestChain.Extend(chain, TestChain.AddressOf(alice), 1);
        TestChain.Mature(chain);
        var failures = new List<Exception>();
        chain.HandlerFailed += failures.Add;
        chain.TransactionAdded += _ => throw new InvalidOperationException("handler bug");

        var batch = chain.SubmitTransactions([TestChain.Transfer(alice, Miner, 1, nonce: 1)]);
        var single = chain.SubmitTransaction(TestChain.Transfer(alice, Miner, 1, nonce: 0));

        Assert.True(single.IsValid);
        Assert.Equal(TxError.NonceTooHigh, batch[0].Error);
        Assert.Single(failures);
        Assert.Equal(1, chain.MempoolCount);
    }

    [Fact]
    public void SubmitBlock_HandlerFailedSubscriberThrowsToo_StillConnectedOtherHandlersRun()
    {
        var chain = TestChain.NewChain();
        var seen = 0;
        chain.HandlerFailed += _ => throw new InvalidOperationException("reporter bug");
        chain.TipChanged += _ => throw new InvalidOperationException("handler bug");
        chain.TipChanged += _ => seen++;

        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(TestChain.Build(chain.Tip, Miner)).Status);
        Assert.Equal(1, seen);
    }
}
