using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Persistence;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Ledger;

/// <summary>What a block costs the node when its branch cannot move the tip, and which blocks reach the store.</summary>
public class SideBranchAdmissionTests
{
    private const long Coin = Money.UnitsPerCoin;
    private static readonly RSA Alice = TestChain.Key(0);
    private static readonly Address AliceAddress = TestChain.AddressOf(Alice);
    private static readonly Address Bob = TestChain.AddressOf(TestChain.Key(1));
    private static readonly Address Miner = Address.Parse("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");

    private sealed class RecordingArchive : IBlockArchive
    {
        private readonly List<Block> _blocks = [];

        public List<Hash256> Appended { get; } = [];

        public long Append(Block block)
        {
            Appended.Add(block.Hash);
            _blocks.Add(block);
            return _blocks.Count - 1;
        }

        public Block Read(long position) => _blocks[(int)position];

        public Transaction ReadTransaction(long position, int offset, int length) =>
            Transaction.Decode(_blocks[(int)position].Encode().AsSpan(offset, length));
    }

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

    [Fact]
    public void SubmitBlock_ManySiblingsOfADeepBlock_HeldNeitherStoredNorInTheTree()
    {
        // Failed before the fix: each sibling was validated, appended to the archive and kept in the tree.
        var archive = new RecordingArchive();
        var chain = new Blockchain(TestChain.Dev, TestChain.Clock(), archive);
        TestChain.Extend(chain, Miner, 6);
        archive.Appended.Clear();
        var blockOne = chain.GetBlockByHeight(1)!;
        var tip = chain.Tip;

        for (var i = 0; i < 20; i++)
        {
            var sibling = TestChain.Build(chain.GetBlockByHeight(0)!, Address.Parse($"{i:x40}"));
            var result = chain.SubmitBlock(sibling, "spammer");
            Assert.Equal(BlockStatus.Held, result.Status);
            Assert.True(result.Accepted);
            Assert.Null(chain.GetBlock(sibling.Hash));
            Assert.True(chain.KnowsBlock(sibling.Hash));
        }

        Assert.Empty(archive.Appended);
        Assert.Same(tip, chain.Tip);
        Assert.Equal(blockOne.Hash, chain.GetBlockByHeight(1)!.Hash);
        Assert.Equal(20, chain.OrphanCount);
    }

    [Fact]
    public void SubmitBlock_HeldSiblingWithBadSignature_HeldWithoutVerifyingIt()
    {
        // The signature is checked only once the branch has the work to matter: no RSA for a branch that cannot win.
        var chain = TestChain.NewChain();
        TestChain.Extend(chain, AliceAddress, 4);
        var tx = TestChain.Transfer(Alice, Bob, Coin, nonce: 0);
        var forged = Transaction.FromParts(tx.Network, tx.SenderPublicKey, tx.Recipient, tx.Amount, tx.Fee, tx.Nonce, new byte[tx.Signature.Length]);
        var side = TestChain.Build(chain.GetBlockByHeight(2)!, Miner, [forged]);

        Assert.Equal(BlockStatus.Held, chain.SubmitBlock(side).Status);
    }

    [Fact]
    public void SubmitBlock_HeldBranchReachesTheTipsWork_ValidatedStoredInOrderThenReorganises()
    {
        var archive = new RecordingArchive();
        var chain = new Blockchain(TestChain.Dev, TestChain.Clock(), archive);
        TestChain.Extend(chain, Miner, 3);
        archive.Appended.Clear();
        var b = Branch(chain.GetBlockByHeight(0)!, Bob, 4);

        Assert.Equal(BlockStatus.Held, chain.SubmitBlock(b[0]).Status);
        Assert.Equal(BlockStatus.Held, chain.SubmitBlock(b[1]).Status);
        Assert.Empty(archive.Appended);

        var level = chain.SubmitBlock(b[2]);
        Assert.Equal(BlockStatus.SideChain, level.Status);
        Assert.Equal(b.Take(3).Select(x => x.Hash), archive.Appended);
        Assert.All(b.Take(3), x => Assert.NotNull(chain.GetBlock(x.Hash)));
        Assert.Equal(0, chain.OrphanCount);

        var ahead = chain.SubmitBlock(b[3]);
        Assert.Equal(BlockStatus.Connected, ahead.Status);
        Assert.Equal(b.Select(x => x.Hash), ahead.Connected.Select(x => x.Hash));
        Assert.Equal(3, ahead.Disconnected.Count);
        Assert.Equal(b[3].Hash, chain.Tip.Hash);
    }

    [Fact]
    public void SubmitBlock_HeldBranchCompletedOutOfOrder_PromotedWhenTheLastPieceArrives()
    {
        var chain = TestChain.NewChain();
        TestChain.Extend(chain, Miner, 2);
        var b = Branch(chain.GetBlockByHeight(0)!, Bob, 3);

        Assert.Equal(BlockStatus.Orphan, chain.SubmitBlock(b[2]).Status);
        Assert.Equal(BlockStatus.Orphan, chain.SubmitBlock(b[1]).Status);
        var result = chain.SubmitBlock(b[0]);

        Assert.Equal(BlockStatus.Connected, result.Status);
        Assert.Equal(b[2].Hash, chain.Tip.Hash);
        Assert.Equal(0, chain.OrphanCount);
    }

    [Fact]
    public void SubmitBlock_BlockFailingStateChecksOnTheTip_NotAppendedToTheArchive()
    {
        // Failed before the fix: the block was appended before its state checks, then refused at every start.
        var archive = new RecordingArchive();
        var chain = new Blockchain(TestChain.Dev, TestChain.Clock(), archive);
        TestChain.Extend(chain, Miner, 1);
        archive.Appended.Clear();
        var overspend = TestChain.Transfer(Alice, Bob, 51 * Coin, nonce: 0);
        var block = TestChain.Build(chain.Tip, Miner, [overspend]);

        var result = chain.SubmitBlock(block);

        Assert.Equal(BlockError.InsufficientBalance, result.Error);
        Assert.Empty(archive.Appended);
    }

    [Fact]
    public void SubmitBlock_SideBlockFailingStateChecksWhenItWouldLead_NotAppendedToTheArchive()
    {
        var archive = new RecordingArchive();
        var chain = new Blockchain(TestChain.Dev, TestChain.Clock(), archive);
        TestChain.Extend(chain, Miner, 2);
        var fork = chain.GetBlockByHeight(1)!;
        var overspend = TestChain.Transfer(Alice, Bob, 51 * Coin, nonce: 0);
        var b = Branch(fork, Bob, 2, [], [overspend]);
        archive.Appended.Clear();

        Assert.Equal(BlockStatus.SideChain, chain.SubmitBlock(b[0]).Status);
        var result = chain.SubmitBlock(b[1]);

        Assert.Equal(BlockError.InsufficientBalance, result.Error);
        Assert.Equal([b[0].Hash], archive.Appended);
    }

    [Fact]
    public void Load_ArchiveOfAcceptedBlocksAfterARefusedOne_NothingRefusedOnReplay()
    {
        var archive = new RecordingArchive();
        var blocks = new Dictionary<Hash256, Block>();
        var chain = new Blockchain(TestChain.Dev, TestChain.Clock(), new DelegatingArchive(b =>
        {
            archive.Append(b);
            blocks[b.Hash] = b;
        }));
        TestChain.Extend(chain, Miner, 1);
        var overspend = TestChain.Transfer(Alice, Bob, 51 * Coin, nonce: 0);
        Assert.Equal(BlockStatus.Invalid, chain.SubmitBlock(TestChain.Build(chain.Tip, Miner, [overspend])).Status);
        TestChain.Extend(chain, Miner, 1);

        var replayed = new Blockchain(TestChain.Dev, TestChain.Clock());
        Assert.Equal(0, replayed.Load(archive.Appended.Select(h => blocks[h])));
        Assert.Equal(chain.Tip.Hash, replayed.Tip.Hash);
    }

    private sealed class DelegatingArchive(Action<Block> append) : IBlockArchive
    {
        // Keeps no copy: the ledger holds the blocks in memory.
        public long Append(Block block)
        {
            append(block);
            return -1;
        }

        public Block Read(long position) => throw new InvalidOperationException("This archive keeps no copy to read.");

        public Transaction ReadTransaction(long position, int offset, int length) => throw new InvalidOperationException("This archive keeps no copy to read.");
    }
}
