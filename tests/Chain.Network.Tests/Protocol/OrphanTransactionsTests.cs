using Chain.Network.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace Chain.Network.Tests.Protocol;

public sealed class OrphanTransactionsTests
{
    private static readonly Chain.Core.Crypto.Address Payee = TestBlocks.AddressOf(TestBlocks.Key(1));

    [Fact]
    public void Take_HeldTransaction_ReturnedOnceBySenderAndNonce()
    {
        var orphans = new OrphanTransactions(new FakeTimeProvider());
        var tx = TestBlocks.Transfer(TestBlocks.Key(0), Payee, 1_000, nonce: 3);

        Assert.True(orphans.Add(tx));
        Assert.False(orphans.Add(tx));
        Assert.Null(orphans.Take(tx.Sender, 2));
        Assert.Same(tx, orphans.Take(tx.Sender, 3));
        Assert.Null(orphans.Take(tx.Sender, 3));
        Assert.Equal(0, orphans.Count);
    }

    [Fact]
    public void Take_AfterExpiry_Null()
    {
        var clock = new FakeTimeProvider();
        var orphans = new OrphanTransactions(clock);
        var old = TestBlocks.Transfer(TestBlocks.Key(0), Payee, 1_000, nonce: 1);
        var newer = TestBlocks.Transfer(TestBlocks.Key(0), Payee, 1_000, nonce: 2);
        orphans.Add(old);
        clock.Advance(OrphanTransactions.Expiry);

        Assert.Null(orphans.Take(old.Sender, 1));
        orphans.Add(newer); // also drops what expired
        Assert.Equal(1, orphans.Count);
        Assert.Same(newer, orphans.Take(newer.Sender, 2));
    }

    [Fact]
    public void Add_OverCapacity_OldestDropped()
    {
        var orphans = new OrphanTransactions(new FakeTimeProvider());
        var key = TestBlocks.Key(0);
        var txs = Enumerable.Range(1, OrphanTransactions.Capacity + 1).Select(n => TestBlocks.Transfer(key, Payee, 1_000, nonce: (ulong)n)).ToList();
        orphans.Add(txs[0]);
        Assert.Same(txs[0], orphans.Take(txs[0].Sender, 1)); // a taken entry's queue slot is skipped later
        txs.ForEach(tx => orphans.Add(tx));

        Assert.Equal(OrphanTransactions.Capacity, orphans.Count);
        Assert.Null(orphans.Take(txs[0].Sender, 1));
        Assert.Same(txs[^1], orphans.Take(txs[^1].Sender, txs[^1].Nonce));
    }
}
