using Chain.Core.Tests.TestSupport;
using Chain.Core.Persistence;
using CsCheck;

namespace Chain.Core.Tests.Persistence;

public sealed class PendingTransactionStoreTests
{
    [Fact]
    public void Load_MissingFile_ReturnsEmpty()
    {
        using var dir = new TempDirectory();
        Assert.Empty(new PendingTransactionStore(dir.Path).Load());
    }

    [Fact]
    public void Save_ThenLoadFromNewInstance_RoundTripsInOrder()
    {
        using var dir = new TempDirectory();
        var transactions = TestBlocks.SignedTransactions.Reverse().ToList();
        new PendingTransactionStore(dir.Path).Save(transactions);

        var loaded = new PendingTransactionStore(dir.Path).Load();
        Assert.Equal(transactions.Select(t => t.Encode()), loaded.Select(t => t.Encode()));
        Assert.All(loaded, t => Assert.True(t.VerifySignature()));
    }

    [Fact]
    public void Save_Twice_ReplacesTheSet()
    {
        using var dir = new TempDirectory();
        var store = new PendingTransactionStore(dir.Path);
        store.Save(TestBlocks.SignedTransactions);
        store.Save(TestBlocks.SignedTransactions.Take(2));
        Assert.Equal(TestBlocks.SignedTransactions.Take(2).Select(t => t.Id), store.Load().Select(t => t.Id));

        store.Save([]);
        Assert.Empty(store.Load());
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void MaxTransactions_Always_HoldsAFullMempoolOfOneSender()
    {
        // One sender may fill the mempool with consecutive nonces: all of it must fit the file (it held 10,000).
        Assert.True(PendingTransactionStore.MaxTransactions >= Chain.Core.Mempool.TransactionPool.DefaultCapacity);
    }

    [Fact]
    public void Save_MoreThanMax_SavesTheFirstMaxAndReportsTheRest()
    {
        // Threw ArgumentException before, which the node's saver did not catch (a send then reported an error).
        using var dir = new TempDirectory();
        var store = new PendingTransactionStore(dir.Path);
        var first = TestBlocks.SignedTransactions[0];
        var last = TestBlocks.SignedTransactions[1];
        var transactions = Enumerable.Repeat(first, PendingTransactionStore.MaxTransactions).Append(last).Append(last);

        Assert.Equal(2, store.Save(transactions));

        var loaded = store.Load();
        Assert.Equal(PendingTransactionStore.MaxTransactions, loaded.Count);
        Assert.All(loaded, t => Assert.Equal(first.Id, t.Id));
    }

    [Fact]
    public void Load_ByteFlippedAnywhere_ThrowsNamingFile()
    {
        using var dir = new TempDirectory();
        var store = new PendingTransactionStore(dir.Path);
        store.Save(TestBlocks.SignedTransactions.Take(2));
        var content = File.ReadAllBytes(store.FilePath);
        for (var i = 0; i < content.Length; i++)
        {
            var damaged = (byte[])content.Clone();
            damaged[i] ^= 0x5A;
            File.WriteAllBytes(store.FilePath, damaged);
            var ex = Assert.Throws<StoreCorruptException>(store.Load);
            Assert.Equal(store.FilePath, ex.FilePath);
            Assert.Contains(PendingTransactionStore.FileName, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Load_TruncatedFile_Throws()
    {
        using var dir = new TempDirectory();
        var store = new PendingTransactionStore(dir.Path);
        store.Save(TestBlocks.SignedTransactions.Take(1));
        var content = File.ReadAllBytes(store.FilePath);
        File.WriteAllBytes(store.FilePath, content[..^1]);
        Assert.Throws<StoreCorruptException>(store.Load);
    }

    [Fact]
    public void Load_FileLargerThanMax_ThrowsWithoutReadingIt()
    {
        using var dir = new TempDirectory();
        var store = new PendingTransactionStore(dir.Path);
        using (var stream = File.Create(store.FilePath))
        {
            stream.SetLength(PendingTransactionStore.MaxFileSize + 1);
        }

        var ex = Assert.Throws<StoreCorruptException>(store.Load);
        Assert.Equal(0, ex.Offset);
    }

    [Fact]
    public Task Decode_RandomBytes_YieldsTransactionsOrStoreCorruptException() =>
        Task.Run(() => Gen.Byte.Array[0, 2048].Sample(
            content =>
            {
                try
                {
                    PendingTransactionStore.Decode(content, "pending.dat");
                }
                catch (StoreCorruptException ex)
                {
                    Assert.Equal("pending.dat", ex.FilePath);
                }
            },
            iter: 2_000)).WaitAsync(TimeSpan.FromSeconds(120));
}
