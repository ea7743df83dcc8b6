using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Ledger;

/// <summary>
/// ENCODING.md "What the block hash binds": signatures are outside the block hash, so a copy with a bad signature
/// shares the honest block's hash and must never condemn it.
/// </summary>
public class SignatureBindingTests
{
    private static readonly RSA Alice = TestChain.Key(0);
    private static readonly Address Miner = TestChain.AddressOf(TestChain.Key(3));

    private static Blockchain FundedChain()
    {
        var chain = TestChain.NewChain();
        TestChain.Extend(chain, TestChain.AddressOf(Alice), 1);
        TestChain.Mature(chain);
        return chain;
    }

    // A block on parent spending Alice's coins, and a copy of it with one signature bit flipped.
    private static (Block Honest, Block Tampered) HonestAndTampered(BlockIndex parent)
    {
        var transfer = TestChain.Transfer(Alice, Miner, Money.UnitsPerCoin, nonce: 0);
        var honest = TestChain.Build(parent, Miner, [transfer]);
        var signature = (byte[])transfer.Signature.Clone();
        signature[10] ^= 1;
        var forged = Transaction.FromParts(transfer.Network, transfer.SenderPublicKey, transfer.Recipient, transfer.Amount, transfer.Fee, transfer.Nonce, signature);
        var tampered = new Block(honest.Header, [honest.Transactions[0], forged]);
        Assert.Equal(honest.Hash, tampered.Hash);
        return (honest, tampered);
    }

    [Fact]
    public void SubmitBlock_TamperedCopyRefusedFirst_HonestCopyWithTheSameHashConnects()
    {
        var chain = FundedChain();
        var (honest, tampered) = HonestAndTampered(chain.Tip);

        var refused = chain.SubmitBlock(tampered);

        Assert.Equal(BlockError.BadTransaction, refused.Error);
        Assert.Null(chain.GetBlock(tampered.Hash)); // not remembered as invalid by its hash
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(honest).Status);
    }

    [Fact]
    public void SubmitBlock_TamperedOrphanHeldFirst_HonestCopyDuplicateUntilTheBadCopyIsDroppedThenAccepted()
    {
        var chain = FundedChain();
        var parent = TestChain.Build(chain.Tip, Miner);
        var (honest, tampered) = HonestAndTampered(new BlockIndex(parent, chain.Tip));

        Assert.Equal(BlockStatus.Orphan, chain.SubmitBlock(tampered).Status);
        Assert.Equal(BlockStatus.Duplicate, chain.SubmitBlock(honest).Status);

        // The parent arrives: the held copy is validated, fails on its signature and is dropped, hash forgotten.
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(parent).Status);
        Assert.Equal(parent.Hash, chain.Tip.Hash);
        Assert.False(chain.KnowsBlock(honest.Hash));

        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(honest).Status);
        Assert.Equal(honest.Hash, chain.Tip.Hash);
    }
}
