using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Ledger;

public class BlockValidationTests
{
    private const long Coin = Money.UnitsPerCoin;

    private static readonly RSA Alice = TestChain.Key(0);
    private static readonly Address AliceAddress = TestChain.AddressOf(Alice);
    private static readonly Address Bob = TestChain.AddressOf(TestChain.Key(1));
    private static readonly Address Miner = TestChain.AddressOf(TestChain.Key(3));

    private static Blockchain FundedChain()
    {
        var chain = TestChain.NewChain();
        TestChain.Extend(chain, AliceAddress, 1);
        TestChain.Mature(chain);
        return chain;
    }

    private static void AssertRejected(Blockchain chain, Block block, BlockError expected)
    {
        var tip = chain.Tip;
        var result = chain.SubmitBlock(block);
        Assert.Equal(BlockStatus.Invalid, result.Status);
        Assert.Equal(expected, result.Error);
        Assert.False(result.Accepted);
        Assert.Same(tip, chain.Tip);
        // A block failing only against the account state was stored before connecting, and is marked invalid.
        Assert.True(chain.GetBlock(block.Hash) is null or { IsInvalid: true });
        Assert.Equal(BlockStatus.Invalid, chain.SubmitBlock(block).Status);
    }

    [Fact]
    public void SubmitBlock_ValidBlockWithTransfer_ConnectedAndStateApplied()
    {
        var chain = FundedChain();
        var tx = TestChain.Transfer(Alice, Bob, 10 * Coin, nonce: 0, fee: 2_000);
        var block = TestChain.Build(chain.Tip, Miner, [tx]);

        var result = chain.SubmitBlock(block);

        Assert.Equal(BlockStatus.Connected, result.Status);
        Assert.Equal(BlockError.None, result.Error);
        Assert.Same(block, Assert.Single(result.Connected));
        Assert.Empty(result.Disconnected);
        Assert.Equal(block.Hash, chain.Tip.Hash);
        Assert.Equal((50 * Coin) + 2_000, chain.GetImmatureBalance(Miner));
        Assert.Equal(new AccountState((40 * Coin) - 2_000, 1), chain.GetAccount(AliceAddress));
        Assert.Equal(new AccountState(10 * Coin, 0), chain.GetAccount(Bob));
    }

    [Fact]
    public void SubmitBlock_SameBlockTwice_Duplicate()
    {
        var chain = TestChain.NewChain();
        var block = TestChain.Build(chain.Tip, Miner);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(block).Status);

        var again = chain.SubmitBlock(block);

        Assert.Equal(BlockStatus.Duplicate, again.Status);
        Assert.True(chain.KnowsBlock(block.Hash));
    }

    [Fact]
    public void SubmitBlock_UnknownVersion_BadVersion()
    {
        var chain = TestChain.NewChain();
        var valid = TestChain.Build(chain.Tip, Miner, solve: false);
        var h = valid.Header;
        var header = TestChain.Solve(new BlockHeader(2, h.Height, h.PreviousHash, h.MerkleRoot, h.Timestamp, h.Bits, 0));

        AssertRejected(chain, new Block(header, valid.Transactions), BlockError.BadVersion);
    }

    [Fact]
    public void SubmitBlock_HashAboveTarget_InsufficientWork()
    {
        var chain = TestChain.NewChain();
        var valid = TestChain.Build(chain.Tip, Miner);
        var unsolved = new Block(TestChain.Unsolve(valid.Header), valid.Transactions);

        AssertRejected(chain, unsolved, BlockError.InsufficientWork);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(valid).Status);
    }

    [Fact]
    public void SubmitBlock_HarderBitsThanDevRequires_WrongDifficulty()
    {
        var chain = TestChain.NewChain();
        var block = TestChain.Build(chain.Tip, Miner, bits: 0x2000ffff);

        AssertRejected(chain, block, BlockError.WrongDifficulty);
    }

    [Theory]
    [InlineData(0x20800000u)] // negative mantissa
    [InlineData(0x20000000u)] // zero mantissa
    [InlineData(0x22010000u)] // above 2^256
    public void SubmitBlock_InvalidCompactBits_WrongDifficulty(uint bits)
    {
        var chain = TestChain.NewChain();
        var block = TestChain.Build(chain.Tip, Miner, bits: bits, solve: false);

        AssertRejected(chain, block, BlockError.WrongDifficulty);
    }

    [Fact]
    public void SubmitBlock_ParentUnknown_OrphanThenConnectedWhenParentArrives()
    {
        var chain = TestChain.NewChain();
        var parent = TestChain.Build(chain.Tip, Miner);
        var child = TestChain.Build(new BlockIndex(parent, chain.Tip), Miner);
        var grandchild = TestChain.Build(new BlockIndex(child, new BlockIndex(parent, chain.Tip)), Miner);

        var orphan = chain.SubmitBlock(grandchild);
        Assert.Equal(BlockStatus.Orphan, orphan.Status);
        Assert.True(orphan.Accepted);
        Assert.Equal(BlockStatus.Orphan, chain.SubmitBlock(child).Status);
        Assert.Equal(BlockStatus.Duplicate, chain.SubmitBlock(child).Status);
        Assert.True(chain.KnowsBlock(child.Hash));
        Assert.Equal(child.Hash, chain.FindOrphanRoot(grandchild.Hash));
        Assert.Equal(0u, chain.Tip.Height);

        var result = chain.SubmitBlock(parent);

        Assert.Equal(BlockStatus.Connected, result.Status);
        Assert.Equal([parent.Hash, child.Hash, grandchild.Hash], result.Connected.Select(b => b.Hash));
        Assert.Equal(grandchild.Hash, chain.Tip.Hash);
        Assert.Equal(150 * Coin, chain.GetAccount(Miner).Balance + chain.GetImmatureBalance(Miner));
    }

    [Fact]
    public void SubmitBlock_HeightSkipsOne_BadHeight()
    {
        var chain = TestChain.NewChain();
        var block = TestChain.Build(chain.Tip, Miner, height: 2);

        AssertRejected(chain, block, BlockError.BadHeight);
    }

    [Fact]
    public void SubmitBlock_MerkleRootOfOtherTransactions_BadMerkleRoot()
    {
        var chain = TestChain.NewChain();
        var block = TestChain.Build(chain.Tip, Miner, merkleRoot: Hash256.Compute([1, 2, 3]));

        AssertRejected(chain, block, BlockError.BadMerkleRoot);
    }

    [Fact]
    public void SubmitBlock_TransactionSwappedAfterSolving_BadMerkleRoot()
    {
        var chain = FundedChain();
        var block = TestChain.Build(chain.Tip, Miner, [TestChain.Transfer(Alice, Bob, Coin, nonce: 0)]);
        var swapped = new Block(block.Header, [block.Transactions[0], TestChain.Transfer(Alice, Bob, 2 * Coin, nonce: 0)]);

        AssertRejected(chain, swapped, BlockError.BadMerkleRoot);
    }

    [Fact]
    public void SubmitBlock_TooManyBytes_TooLarge()
    {
        var chain = TestChain.NewChain();
        var txs = new List<Transaction>();
        for (var i = 0; txs.Sum(t => (long)t.EncodedSize + 4) <= Block.MaxEncodedSize; i++)
        {
            // Size is checked before any signature, so fake keys and signatures suffice.
            txs.Add(Transaction.FromParts(NetworkParameters.Dev.Magic, BitConverter.GetBytes(i), Bob, Coin, 1_000, 0, new byte[900]));
        }

        var block = TestChain.Build(chain.Tip, Miner, txs);
        Assert.True(block.EncodedSize > Block.MaxEncodedSize);

        AssertRejected(chain, block, BlockError.TooLarge);
    }

    [Fact]
    public void SubmitBlock_SameTransactionTwice_DuplicateTransaction()
    {
        var chain = FundedChain();
        var tx = TestChain.Transfer(Alice, Bob, Coin, nonce: 0);

        AssertRejected(chain, TestChain.Build(chain.Tip, Miner, [tx, tx]), BlockError.DuplicateTransaction);
    }

    [Fact]
    public void SubmitBlock_TwoTransfersWithOneNonce_DuplicateNonce()
    {
        var chain = FundedChain();
        var first = TestChain.Transfer(Alice, Bob, Coin, nonce: 0);
        var second = TestChain.Transfer(Alice, Bob, 2 * Coin, nonce: 0);

        AssertRejected(chain, TestChain.Build(chain.Tip, Miner, [first, second]), BlockError.DuplicateNonce);
    }

    [Fact]
    public void SubmitBlock_LaterTransferOverspendsWhatEarlierLeft_InsufficientBalance()
    {
        var chain = FundedChain();
        var first = TestChain.Transfer(Alice, Bob, 30 * Coin, nonce: 0);
        var second = TestChain.Transfer(Alice, Bob, 30 * Coin, nonce: 1);

        AssertRejected(chain, TestChain.Build(chain.Tip, Miner, [first, second]), BlockError.InsufficientBalance);
        Assert.Equal(new AccountState(50 * Coin, 0), chain.GetAccount(AliceAddress));
        Assert.Equal(AccountState.Empty, chain.GetAccount(Bob));
    }

    [Fact]
    public void SubmitBlock_TransfersInNonceOrderWithinBalance_Connected()
    {
        var chain = FundedChain();
        var first = TestChain.Transfer(Alice, Bob, 30 * Coin, nonce: 0);
        var second = TestChain.Transfer(Alice, Bob, 19 * Coin, nonce: 1);

        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(TestChain.Build(chain.Tip, Miner, [first, second])).Status);
        Assert.Equal(new AccountState((1 * Coin) - 2_000, 2), chain.GetAccount(AliceAddress));
    }

    [Fact]
    public void SubmitBlock_NonceGapInBlock_BadTransaction()
    {
        var chain = FundedChain();
        var tx = TestChain.Transfer(Alice, Bob, Coin, nonce: 1);

        AssertRejected(chain, TestChain.Build(chain.Tip, Miner, [tx]), BlockError.BadTransaction);
    }

    [Fact]
    public void SubmitBlock_TransferWithBadSignature_BadTransaction()
    {
        var chain = FundedChain();
        var tx = TestChain.Transfer(Alice, Bob, Coin, nonce: 0);
        var signature = (byte[])tx.Signature.Clone();
        signature[0] ^= 0x80;
        var forged = Transaction.FromParts(tx.Network, tx.SenderPublicKey, tx.Recipient, tx.Amount, tx.Fee, tx.Nonce, signature);

        var result = chain.SubmitBlock(TestChain.Build(chain.Tip, Miner, [forged]));

        Assert.Equal(BlockError.BadTransaction, result.Error);
        Assert.Contains(nameof(TxError.BadSignature), result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, -1)]
    [InlineData(1, 3)]
    [InlineData(4, -1)]
    [InlineData(4, 0)]
    [InlineData(4, 5)]
    public void SubmitBlock_AnyValidationThreads_SameVerdict(int threads, int forgedIndex)
    {
        // One thread verifies in order; several in parallel: both accept the honest block and name the same forgery.
        var chain = FundedChain();
        chain.ValidationThreads = threads;
        var txs = Enumerable.Range(0, 6).Select(n => TestChain.Transfer(Alice, Bob, Coin, nonce: (ulong)n)).ToList();
        if (forgedIndex >= 0)
        {
            var tx = txs[forgedIndex];
            var signature = (byte[])tx.Signature.Clone();
            signature[^1] ^= 0x01;
            txs[forgedIndex] = Transaction.FromParts(tx.Network, tx.SenderPublicKey, tx.Recipient, tx.Amount, tx.Fee, tx.Nonce, signature);
        }

        var result = chain.SubmitBlock(TestChain.Build(chain.Tip, Miner, txs));

        if (forgedIndex < 0)
        {
            Assert.Equal(BlockStatus.Connected, result.Status);
        }
        else
        {
            Assert.Equal(BlockError.BadTransaction, result.Error);
            Assert.Contains(txs[forgedIndex].Id.ToString(), result.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ValidationThreads_Zero_Refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FundedChain().ValidationThreads = 0);
    }

    [Fact]
    public void SubmitBlock_FirstTransactionNotCoinbase_BadCoinbase()
    {
        var chain = FundedChain();
        var transfer = TestChain.Transfer(Alice, Bob, Coin, nonce: 0);

        AssertRejected(chain, TestChain.Build(chain.Tip, Miner, coinbase: transfer), BlockError.BadCoinbase);
    }

    [Fact]
    public void SubmitBlock_NoTransactions_BadCoinbase()
    {
        var chain = TestChain.NewChain();
        var parent = chain.Tip;
        var header = TestChain.Solve(new BlockHeader(BlockHeader.CurrentVersion, 1, parent.Hash, MerkleTree.ComputeRoot(Array.Empty<Hash256>()), parent.Header.Timestamp + 1, NetworkParameters.Dev.PowLimitBits, 0));

        AssertRejected(chain, new Block(header, []), BlockError.BadCoinbase);
    }

    [Fact]
    public void SubmitBlock_SecondCoinbase_BadCoinbase()
    {
        var chain = TestChain.NewChain();
        var extra = Transaction.CreateCoinbase(NetworkParameters.Dev.Magic, Bob, Coin, 1);

        AssertRejected(chain, TestChain.Build(chain.Tip, Miner, [extra]), BlockError.BadCoinbase);
    }

    [Fact]
    public void SubmitBlock_CoinbaseAboveRewardPlusFees_BadCoinbase()
    {
        var chain = FundedChain();
        var tx = TestChain.Transfer(Alice, Bob, Coin, nonce: 0, fee: 5_000);
        var reward = NetworkParameters.Dev.BlockReward(chain.Tip.Height + 1);

        AssertRejected(chain, TestChain.Build(chain.Tip, Miner, [tx], coinbaseAmount: reward + 5_001), BlockError.BadCoinbase);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(TestChain.Build(chain.Tip, Miner, [tx], coinbaseAmount: reward + 5_000)).Status);
        Assert.Equal(reward + 5_000, chain.GetImmatureBalance(Miner));
    }

    [Fact]
    public void SubmitBlock_CoinbaseBelowReward_Connected()
    {
        var chain = TestChain.NewChain();

        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(TestChain.Build(chain.Tip, Miner, coinbaseAmount: 0)).Status);
        Assert.Equal(AccountState.Empty, chain.GetAccount(Miner));
    }

    [Fact]
    public void SubmitBlock_CoinbaseNonceNotHeight_BadCoinbase()
    {
        var chain = TestChain.NewChain();
        var coinbase = Transaction.CreateCoinbase(NetworkParameters.Dev.Magic, Miner, NetworkParameters.Dev.BlockReward(1), 2);

        AssertRejected(chain, TestChain.Build(chain.Tip, Miner, coinbase: coinbase), BlockError.BadCoinbase);
    }

    [Fact]
    public void SubmitBlock_CoinbaseOfOtherNetwork_BadCoinbase()
    {
        var chain = TestChain.NewChain();
        var coinbase = Transaction.CreateCoinbase(NetworkParameters.Main.Magic, Miner, NetworkParameters.Dev.BlockReward(1), 1);

        AssertRejected(chain, TestChain.Build(chain.Tip, Miner, coinbase: coinbase), BlockError.BadCoinbase);
    }

    [Fact]
    public void SubmitBlock_CoinbaseWithFeeOrSignature_BadCoinbase()
    {
        var chain = TestChain.NewChain();
        var reward = NetworkParameters.Dev.BlockReward(1);
        var withFee = Transaction.FromParts(NetworkParameters.Dev.Magic, [], Miner, reward, 1, 1, []);
        var withSignature = Transaction.FromParts(NetworkParameters.Dev.Magic, [], Miner, reward, 0, 1, [1]);
        var negative = Transaction.CreateCoinbase(NetworkParameters.Dev.Magic, Miner, -1, 1);

        AssertRejected(chain, TestChain.Build(chain.Tip, Miner, coinbase: withFee), BlockError.BadCoinbase);
        AssertRejected(chain, TestChain.Build(chain.Tip, Miner, coinbase: withSignature), BlockError.BadCoinbase);
        AssertRejected(chain, TestChain.Build(chain.Tip, Miner, coinbase: negative), BlockError.BadCoinbase);
    }

    [Fact]
    public void SubmitBlock_BlockAfterInvalidOne_StillConnects()
    {
        var chain = TestChain.NewChain();
        AssertRejected(chain, TestChain.Build(chain.Tip, Miner, coinbaseAmount: (50 * Coin) + 1), BlockError.BadCoinbase);

        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(TestChain.Build(chain.Tip, Miner)).Status);
    }

    [Theory]
    [InlineData(0u, 50 * Coin)]
    [InlineData(9_999u, 50 * Coin)]
    [InlineData(10_000u, 25 * Coin)]
    [InlineData(20_000u, 1_250_000_000L)]
    [InlineData(30_000u, 625_000_000L)]
    [InlineData(320_000u, 1L)] // 5_000_000_000 >> 32
    [InlineData(330_000u, 0L)] // 5_000_000_000 >> 33
    [InlineData(uint.MaxValue, 0L)]
    public void BlockReward_DevSchedule_HalvesEveryTenThousandBlocks(uint height, long expected)
    {
        Assert.Equal(expected, NetworkParameters.Dev.BlockReward(height));
    }

    [Theory]
    [InlineData(209_999u, 50 * Coin)]
    [InlineData(210_000u, 25 * Coin)]
    [InlineData(420_000u, 1_250_000_000L)]
    [InlineData(62u * 210_000u, 0L)]
    [InlineData(63u * 210_000u, 0L)]
    public void BlockReward_MainSchedule_HalvesEvery210000Blocks(uint height, long expected)
    {
        Assert.Equal(expected, NetworkParameters.Main.BlockReward(height));
    }

    [Fact]
    public void BlockReward_WholeSchedule_StaysBelowMaxSupply()
    {
        long total = 0;
        for (var halving = 0u; halving < 64; halving++)
        {
            total = checked(total + (NetworkParameters.Main.BlockReward(halving * 210_000u) * 210_000));
        }

        Assert.InRange(total, 20_000_000 * Coin, Money.MaxSupply);
    }
}
