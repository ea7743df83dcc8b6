using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Ledger;

public class TransactionRulesTests
{
    private static readonly RSA Alice = TestChain.Key(0);
    private static readonly Address AliceAddress = TestChain.AddressOf(Alice);
    private static readonly Address Bob = TestChain.AddressOf(TestChain.Key(1));

    private const long Coin = Money.UnitsPerCoin;

    /// <summary>A dev chain where Alice mined one block, now mature (50 coins, next nonce 0).</summary>
    private static Blockchain FundedChain()
    {
        var chain = TestChain.NewChain();
        TestChain.Extend(chain, AliceAddress, 1);
        TestChain.Mature(chain);
        return chain;
    }

    [Fact]
    public void SubmitTransaction_ValidTransfer_AcceptedIntoMempool()
    {
        var chain = FundedChain();
        var tx = TestChain.Transfer(Alice, Bob, 10 * Coin, nonce: 0);

        var result = chain.SubmitTransaction(tx);

        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(TxError.None, result.Error);
        Assert.Same(tx, chain.GetMempoolTransaction(tx.Id));
        Assert.Equal(new AccountState((40 * Coin) - 1_000, 1), chain.GetPendingAccount(AliceAddress));
    }

    [Fact]
    public void SubmitTransaction_TamperedSignature_BadSignature()
    {
        var chain = FundedChain();
        var tx = TestChain.Transfer(Alice, Bob, 10 * Coin, nonce: 0);
        var signature = (byte[])tx.Signature.Clone();
        signature[10] ^= 0x01;
        var tampered = Transaction.FromParts(tx.Network, tx.SenderPublicKey, tx.Recipient, tx.Amount, tx.Fee, tx.Nonce, signature);

        Assert.Equal(TxError.BadSignature, chain.SubmitTransaction(tampered).Error);
        Assert.Equal(0, chain.MempoolCount);
    }

    [Fact]
    public void SubmitTransaction_SignedByAnotherKey_BadSignature()
    {
        var chain = FundedChain();
        var unsigned = Transaction.FromParts(NetworkParameters.Dev.Magic, Alice.ExportSubjectPublicKeyInfo(), Bob, 10 * Coin, 1_000, 0, []);
        var forged = unsigned.WithSignature(TestChain.Key(2));

        Assert.False(forged.VerifySignature());
        Assert.Equal(TxError.BadSignature, chain.SubmitTransaction(forged).Error);
    }

    [Fact]
    public void SubmitTransaction_SenderKeyNotRsa_BadSignature()
    {
        var chain = FundedChain();
        var tx = Transaction.FromParts(NetworkParameters.Dev.Magic, [1, 2, 3, 4], Bob, 10 * Coin, 1_000, 0, new byte[RsaPss.SignatureSize]);

        Assert.Equal(TxError.BadSignature, chain.SubmitTransaction(tx).Error);
    }

    [Fact]
    public void SubmitTransaction_OtherNetwork_WrongNetwork()
    {
        var chain = FundedChain();
        var tx = TestChain.Transfer(Alice, Bob, 10 * Coin, nonce: 0, network: NetworkParameters.Main);

        Assert.Equal(TxError.WrongNetwork, chain.SubmitTransaction(tx).Error);
    }

    [Fact]
    public void SubmitTransaction_NonceAlreadyConfirmed_NonceTooLow()
    {
        var chain = FundedChain();
        var first = TestChain.Transfer(Alice, Bob, 10 * Coin, nonce: 0);
        Assert.True(chain.SubmitTransaction(first).IsValid);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(MineTemplate(chain)).Status);

        var replay = TestChain.Transfer(Alice, Bob, 11 * Coin, nonce: 0);

        Assert.Equal(TxError.NonceTooLow, chain.SubmitTransaction(replay).Error);
    }

    [Fact]
    public void SubmitTransaction_NonceAlreadyPending_NonceTooLow()
    {
        var chain = FundedChain();
        Assert.True(chain.SubmitTransaction(TestChain.Transfer(Alice, Bob, 10 * Coin, nonce: 0)).IsValid);

        var conflicting = TestChain.Transfer(Alice, Bob, 11 * Coin, nonce: 0);

        Assert.Equal(TxError.NonceTooLow, chain.SubmitTransaction(conflicting).Error);
        Assert.Equal(1, chain.MempoolCount);
    }

    [Fact]
    public void SubmitTransaction_NonceLeavesGap_NonceTooHigh()
    {
        var chain = FundedChain();
        var tx = TestChain.Transfer(Alice, Bob, 10 * Coin, nonce: 1);

        Assert.Equal(TxError.NonceTooHigh, chain.SubmitTransaction(tx).Error);
    }

    [Fact]
    public void SubmitTransaction_SpendsMoreThanBalance_InsufficientBalance()
    {
        var chain = FundedChain();
        var exact = TestChain.Transfer(Alice, Bob, (50 * Coin) - 1_000, nonce: 0);
        var tooMuch = TestChain.Transfer(Alice, Bob, (50 * Coin) - 999, nonce: 0);

        Assert.Equal(TxError.InsufficientBalance, chain.SubmitTransaction(tooMuch).Error);
        Assert.True(chain.SubmitTransaction(exact).IsValid);
    }

    [Fact]
    public void SubmitTransaction_PendingTransfersUseTheBalance_InsufficientBalance()
    {
        var chain = FundedChain();
        Assert.True(chain.SubmitTransaction(TestChain.Transfer(Alice, Bob, 30 * Coin, nonce: 0)).IsValid);

        var second = TestChain.Transfer(Alice, Bob, 30 * Coin, nonce: 1);

        Assert.Equal(TxError.InsufficientBalance, chain.SubmitTransaction(second).Error);
        Assert.True(chain.SubmitTransaction(TestChain.Transfer(Alice, Bob, 15 * Coin, nonce: 1)).IsValid);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    [InlineData(Money.MaxSupply + 1)]
    public void SubmitTransaction_AmountOutsideRange_AmountOutOfRange(long amount)
    {
        var chain = FundedChain();
        var tx = TestChain.Transfer(Alice, Bob, amount, nonce: 0);

        Assert.Equal(TxError.AmountOutOfRange, chain.SubmitTransaction(tx).Error);
    }

    [Theory]
    [InlineData(999L)]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(Money.MaxSupply + 1)]
    public void SubmitTransaction_FeeOutsideRange_FeeOutOfRange(long fee)
    {
        var chain = FundedChain();
        var tx = TestChain.Transfer(Alice, Bob, Coin, nonce: 0, fee: fee);

        Assert.Equal(TxError.FeeOutOfRange, chain.SubmitTransaction(tx).Error);
    }

    [Fact]
    public void SubmitTransaction_MinimumFee_Accepted()
    {
        var chain = FundedChain();
        var tx = TestChain.Transfer(Alice, Bob, Coin, nonce: 0, fee: NetworkParameters.Dev.MinFee);

        Assert.True(chain.SubmitTransaction(tx).IsValid);
    }

    [Fact]
    public void SubmitTransaction_AmountPlusFeeAboveMaxSupply_AmountOutOfRange()
    {
        var chain = FundedChain();
        var tx = TestChain.Transfer(Alice, Bob, Money.MaxSupply, nonce: 0, fee: 1_000);

        Assert.Equal(TxError.AmountOutOfRange, chain.SubmitTransaction(tx).Error);
    }

    [Fact]
    public void SubmitTransaction_EncodingAboveLimit_Oversized()
    {
        var chain = FundedChain();
        var tx = Transaction.FromParts(NetworkParameters.Dev.Magic, new byte[Transaction.MaxPublicKeySize], Bob, Coin, 1_000, 0, new byte[RsaPss.SignatureSize * 2]);
        Assert.True(tx.EncodedSize > Transaction.MaxEncodedSize);

        Assert.Equal(TxError.Oversized, chain.SubmitTransaction(tx).Error);
        Assert.Equal(TxError.Oversized, TransactionRules.CheckStateless(tx, NetworkParameters.Dev, signatures: null).Error);
    }

    [Fact]
    public void SubmitTransaction_Coinbase_UnexpectedCoinbase()
    {
        var chain = FundedChain();
        var coinbase = Transaction.CreateCoinbase(NetworkParameters.Dev.Magic, Bob, Coin, 99);

        Assert.Equal(TxError.UnexpectedCoinbase, chain.SubmitTransaction(coinbase).Error);
    }

    [Fact]
    public void SubmitTransaction_SameTransactionTwice_Duplicate()
    {
        var chain = FundedChain();
        var tx = TestChain.Transfer(Alice, Bob, Coin, nonce: 0);
        Assert.True(chain.SubmitTransaction(tx).IsValid);

        Assert.Equal(TxError.Duplicate, chain.SubmitTransaction(tx).Error);
        Assert.Equal(1, chain.MempoolCount);
    }

    [Fact]
    public void SubmitTransaction_AlreadyMined_Duplicate()
    {
        var chain = FundedChain();
        var tx = TestChain.Transfer(Alice, Bob, Coin, nonce: 0);
        Assert.True(chain.SubmitTransaction(tx).IsValid);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(MineTemplate(chain)).Status);

        Assert.Equal(TxError.Duplicate, chain.SubmitTransaction(tx).Error);
    }

    [Fact]
    public void CheckAgainst_EachStateRule_ReportsItsError()
    {
        var tx = Transaction.FromParts(NetworkParameters.Dev.Magic, [7], Bob, 100, 1_000, 5, []);

        Assert.Equal(TxError.None, TransactionRules.CheckAgainst(tx, new AccountState(1_100, 5)).Error);
        Assert.Equal(TxError.InsufficientBalance, TransactionRules.CheckAgainst(tx, new AccountState(1_099, 5)).Error);
        Assert.Equal(TxError.NonceTooLow, TransactionRules.CheckAgainst(tx, new AccountState(1_100, 6)).Error);
        Assert.Equal(TxError.NonceTooHigh, TransactionRules.CheckAgainst(tx, new AccountState(1_100, 4)).Error);
    }

    [Fact]
    public void CheckStateless_ValidSignedTransfer_Ok()
    {
        var tx = TestChain.Transfer(Alice, Bob, Coin, nonce: 0);
        var cache = new SignatureCache();

        Assert.Equal(TxResult.Ok, TransactionRules.CheckStateless(tx, NetworkParameters.Dev, cache));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void VerifyInBlock_HitOrMiss_SameVerdictsAsVerifyAndCacheUnchanged()
    {
        var cached = TestChain.Transfer(Alice, Bob, Coin, nonce: 0);
        var fresh = TestChain.Transfer(Alice, Bob, Coin, nonce: 1);
        var signature = (byte[])fresh.Signature.Clone();
        signature[5] ^= 0x10;
        var forged = Transaction.FromParts(fresh.Network, fresh.SenderPublicKey, fresh.Recipient, fresh.Amount, fresh.Fee, fresh.Nonce, signature);
        var cache = new SignatureCache();
        Assert.True(cache.Verify(cached));

        Assert.True(cache.VerifyInBlock(fresh));
        Assert.False(cache.VerifyInBlock(forged));
        Assert.True(cache.VerifyInBlock(cached));
        Assert.Equal(1, cache.Count);
        Assert.True(cache.VerifyInBlock(fresh));
    }

    private static Block MineTemplate(Blockchain chain)
    {
        var template = chain.CreateTemplate(Bob);
        return new Block(TestChain.Solve(template.Header), template.Transactions);
    }
}
