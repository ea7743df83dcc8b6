using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Mempool;

public class BlockchainMempoolTests
{
    private const long Coin = Money.UnitsPerCoin;
    private static readonly RSA Alice = TestChain.Key(0);
    private static readonly RSA Bob = TestChain.Key(1);
    private static readonly Address AliceAddress = TestChain.AddressOf(Alice);
    private static readonly Address BobAddress = TestChain.AddressOf(Bob);
    private static readonly Address Carol = TestChain.AddressOf(TestChain.Key(2));

    private static Blockchain FundedChain(Microsoft.Extensions.Time.Testing.FakeTimeProvider? clock = null)
    {
        var chain = TestChain.NewChain(clock);
        TestChain.Extend(chain, AliceAddress, 1);
        TestChain.Extend(chain, BobAddress, 1);
        TestChain.Mature(chain);
        return chain;
    }

    [Fact]
    public void CreateTemplate_FeesAcrossSenders_HighestFeeHeadFirstKeepingNonceOrder()
    {
        var chain = FundedChain();
        var a0 = TestChain.Transfer(Alice, Carol, Coin, nonce: 0, fee: 1_000);
        var a1 = TestChain.Transfer(Alice, Carol, Coin, nonce: 1, fee: 9_000);
        var b0 = TestChain.Transfer(Bob, Carol, Coin, nonce: 0, fee: 5_000);
        foreach (var tx in new[] { a0, a1, b0 })
        {
            Assert.True(chain.SubmitTransaction(tx).IsValid);
        }

        var template = chain.CreateTemplate(Carol);

        Assert.Equal([b0.Id, a0.Id, a1.Id], template.Transactions.Skip(1).Select(t => t.Id));
        Assert.Equal(NetworkParameters.Dev.BlockReward(template.Height) + 15_000, template.Transactions[0].Amount);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(new Block(TestChain.Solve(template.Header), template.Transactions)).Status);
        Assert.Equal(3 * Coin, chain.GetAccount(Carol).Balance);
        Assert.Equal(NetworkParameters.Dev.BlockReward(template.Height) + 15_000, chain.GetImmatureBalance(Carol));
    }

    [Fact]
    public void SubmitTransactions_MixedBatch_ResultsInBatchOrderAsIfSubmittedOneByOne()
    {
        var chain = FundedChain();
        var a0 = TestChain.Transfer(Alice, Carol, Coin, nonce: 0);
        var a1 = TestChain.Transfer(Alice, Carol, Coin, nonce: 1);
        var a3 = TestChain.Transfer(Alice, Carol, Coin, nonce: 3);
        var b0 = TestChain.Transfer(Bob, Carol, Coin, nonce: 0);
        var signature = (byte[])b0.Signature.Clone();
        signature[10] ^= 0x01;
        var forged = Transaction.FromParts(b0.Network, b0.SenderPublicKey, b0.Recipient, b0.Amount + 1, b0.Fee, b0.Nonce, signature);
        Assert.True(chain.SubmitTransaction(b0).IsValid);
        var added = new List<Hash256>();
        chain.TransactionAdded += tx => added.Add(tx.Id);

        var results = chain.SubmitTransactions([a0, forged, a1, b0, a1, a3]);

        Assert.Equal([TxError.None, TxError.BadSignature, TxError.None, TxError.Duplicate, TxError.Duplicate, TxError.NonceTooHigh], results.Select(r => r.Error));
        Assert.Equal([a0.Id, a1.Id], added);
        Assert.Equal(new AccountState(50 * Coin - 2 * (Coin + 1_000), 2), chain.GetPendingAccount(AliceAddress));
    }

    [Fact]
    public void SubmitTransactions_MinedOnesAmongNew_MinedAreDuplicateNewAdmitted()
    {
        // The duplicate check asks the transaction index only below the sender's confirmed nonce: mined transfers,
        // the oldest and the newest of the block, are still found there, and the next nonce is admitted.
        var chain = FundedChain();
        var a0 = TestChain.Transfer(Alice, Carol, Coin, nonce: 0);
        var a1 = TestChain.Transfer(Alice, Carol, Coin, nonce: 1);
        var a2 = TestChain.Transfer(Alice, Carol, Coin, nonce: 2);
        Assert.All(chain.SubmitTransactions([a0, a1]), r => Assert.True(r.IsValid));
        var template = chain.CreateTemplate(Carol);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(new Block(TestChain.Solve(template.Header), template.Transactions)).Status);

        var results = chain.SubmitTransactions([a1, a2, a0]);

        Assert.Equal([TxError.Duplicate, TxError.None, TxError.Duplicate], results.Select(r => r.Error));
        Assert.Equal(TxError.Duplicate, chain.SubmitTransaction(a0).Error);
        Assert.Equal(TxError.Duplicate, chain.SubmitTransaction(a2).Error);
        Assert.Equal(1, chain.MempoolCount);
    }

    [Fact]
    public void SubmitTransactions_EmptyBatch_NoResults()
    {
        Assert.Empty(FundedChain().SubmitTransactions([]));
    }

    [Fact]
    public void SubmitBlock_HoldsSomePendingTransactions_RemovesThemKeepsTheRest()
    {
        var chain = FundedChain();
        var a0 = TestChain.Transfer(Alice, Carol, Coin, nonce: 0);
        var a1 = TestChain.Transfer(Alice, Carol, Coin, nonce: 1);
        var b0 = TestChain.Transfer(Bob, Carol, Coin, nonce: 0);
        foreach (var tx in new[] { a0, a1, b0 })
        {
            Assert.True(chain.SubmitTransaction(tx).IsValid);
        }

        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(TestChain.Build(chain.Tip, Carol, [a0, b0])).Status);

        Assert.Equal([a1.Id], chain.GetMempool().Select(t => t.Id));
        Assert.Equal(new AccountState(48 * Coin - 2_000, 2), chain.GetPendingAccount(AliceAddress));
    }

    [Fact]
    public void SubmitBlock_ConflictingTransferMined_PendingOnesOfThatNonceDropped()
    {
        var chain = FundedChain();
        var pending = TestChain.Transfer(Alice, Carol, Coin, nonce: 0);
        var later = TestChain.Transfer(Alice, Carol, Coin, nonce: 1);
        Assert.True(chain.SubmitTransaction(pending).IsValid);
        Assert.True(chain.SubmitTransaction(later).IsValid);
        var conflicting = TestChain.Transfer(Alice, BobAddress, 49 * Coin, nonce: 0);

        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(TestChain.Build(chain.Tip, Carol, [conflicting])).Status);

        // Nonce 0 is used; nonce 1 would now overspend (1 coin minus the fee is left).
        Assert.Equal(0, chain.MempoolCount);
    }

    [Fact]
    public void SubmitTransaction_MempoolFull_MempoolFullForLowFeeNewcomer()
    {
        var chain = new Blockchain(NetworkParameters.Dev, TestChain.Clock(), mempoolCapacity: 2);
        TestChain.Extend(chain, AliceAddress, 1);
        TestChain.Extend(chain, BobAddress, 1);
        TestChain.Mature(chain);
        Assert.True(chain.SubmitTransaction(TestChain.Transfer(Alice, Carol, Coin, nonce: 0, fee: 5_000)).IsValid);
        Assert.True(chain.SubmitTransaction(TestChain.Transfer(Bob, Carol, Coin, nonce: 0, fee: 3_000)).IsValid);

        Assert.Equal(TxError.MempoolFull, chain.SubmitTransaction(TestChain.Transfer(Alice, Carol, Coin, nonce: 1, fee: 3_000)).Error);
        Assert.True(chain.SubmitTransaction(TestChain.Transfer(Alice, Carol, Coin, nonce: 1, fee: 4_000)).IsValid);
        Assert.Equal(2, chain.MempoolCount);
        Assert.Equal(AccountState.Empty with { Balance = 50 * Coin }, chain.GetPendingAccount(BobAddress));
    }

    [Fact]
    public void ExpireMempool_After24Hours_DropsTransactionAndLaterNoncesOfItsSender()
    {
        var clock = TestChain.Clock();
        var chain = FundedChain(clock);
        var a0 = TestChain.Transfer(Alice, Carol, Coin, nonce: 0);
        Assert.True(chain.SubmitTransaction(a0).IsValid);
        clock.Advance(TimeSpan.FromHours(12));
        var a1 = TestChain.Transfer(Alice, Carol, Coin, nonce: 1);
        var b0 = TestChain.Transfer(Bob, Carol, Coin, nonce: 0);
        Assert.True(chain.SubmitTransaction(a1).IsValid);
        Assert.True(chain.SubmitTransaction(b0).IsValid);

        clock.Advance(TimeSpan.FromHours(12));
        Assert.Equal(0, chain.ExpireMempool());
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, chain.ExpireMempool());

        Assert.Equal([b0.Id], chain.GetMempool().Select(t => t.Id));
        Assert.Equal(new AccountState(50 * Coin, 0), chain.GetPendingAccount(AliceAddress));
        Assert.True(chain.SubmitTransaction(a0).IsValid);
    }
}
