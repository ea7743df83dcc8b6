using Chain.Core.Persistence;
using CsCheck;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Persistence;

/// <summary>The same contract for the in-memory store and the RocksDB store.</summary>
public sealed class KeyValueStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public static TheoryData<string> Kinds => ["memory", "rocksdb"];

    public void Dispose() => _dir.Dispose();

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Write_PutsThenDeletes_AppliedInOrder(string kind)
    {
        using var store = Open(kind);
        var batch = new WriteBatch();
        batch.Put([1, 2], [10]);
        batch.Put([1, 3], [11]);
        batch.Delete([1, 2]);
        batch.Put([1, 3], [12]);
        store.Write(batch);

        Assert.Null(store.Get([1, 2]));
        Assert.Equal([12], store.Get([1, 3]));
        Assert.Null(store.Get([9]));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Write_KeysOutOfOrderEachTouchedTwice_LastOperationOnEachKeyWins(string kind)
    {
        using var store = Open(kind);
        var batch = new WriteBatch();
        batch.Put([9], [1]);
        batch.Delete([5]);
        batch.Put([1], [2]);
        batch.Put([5], [3]);
        batch.Delete([9]);
        batch.Put([1], [4]);
        store.Write(batch);

        Assert.Null(store.Get([9]));
        Assert.Equal([3], store.Get([5]));
        Assert.Equal([4], store.Get([1]));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Scan_Prefix_OnlyItsKeysInByteOrderBothWays(string kind)
    {
        using var store = Open(kind);
        var batch = new WriteBatch();
        foreach (var key in new byte[][] { [2, 0xFF], [1], [2, 1], [2, 0, 5], [3, 0], [2] })
        {
            batch.Put(key, [key[^1]]);
        }

        store.Write(batch);

        Assert.Equal([[2], [2, 0, 5], [2, 1], [2, 0xFF]], store.Scan([2]).Select(e => e.Key));
        Assert.Equal([[2, 0xFF], [2, 1], [2, 0, 5], [2]], store.Scan([2], descending: true).Select(e => e.Key));
        Assert.Empty(store.Scan([4]));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void GetSnapshot_LaterWrites_NotSeen(string kind)
    {
        using var store = Open(kind);
        var first = new WriteBatch();
        first.Put([7], [1]);
        store.Write(first);
        using var snapshot = store.GetSnapshot();
        var second = new WriteBatch();
        second.Put([7], [2]);
        second.Put([8], [3]);
        store.Write(second);

        Assert.Equal([1], snapshot.Get([7]));
        Assert.Null(snapshot.Get([8]));
        Assert.Single(snapshot.Scan([7]));
        Assert.Equal([2], store.Get([7]));
    }

    [Fact]
    public void RocksDb_RandomBatches_AgreeWithTheInMemoryStore()
    {
        // Keys of 0 to 12 bytes over two byte values: many share their first eight bytes (or are shorter), and batches of
        // up to 200 operations touch each key several times (the sort is stable only below 16 items; the operations' index
        // makes it so above). Only the last operation on a key shows, so what this checks is that it wins in every batch.
        var key = Gen.Byte[0, 1].Array[0, 12];
        var operation = Gen.Select(key, Gen.Bool, Gen.Byte, (k, delete, value) => (Key: k, Value: delete ? null : new[] { value }));
        var batches = operation.Array[0, 200].Array[1, 4];
        var run = 0;
        batches.Sample(sequence =>
        {
            using var rocks = RocksDbKeyValueStore.Open(_dir.File($"db{Interlocked.Increment(ref run)}"));
            using var model = new MemoryKeyValueStore();
            var touched = new List<byte[]>();
            foreach (var operations in sequence)
            {
                var batch = new WriteBatch();
                foreach (var (k, value) in operations)
                {
                    touched.Add(k);
                    if (value is null)
                    {
                        batch.Delete(k);
                    }
                    else
                    {
                        batch.Put(k, value);
                    }
                }

                rocks.Write(batch);
                model.Write(batch);
                foreach (var k in touched)
                {
                    Assert.Equal(model.Get(k), rocks.Get(k));
                }
            }

            Assert.Equal(model.Scan([]).Select(e => (e.Key, e.Value)), rocks.Scan([]).Select(e => (e.Key, e.Value)));
        }, iter: 60);
    }

    [Fact]
    public void RocksDb_Reopen_KeepsWrites()
    {
        using (var store = RocksDbKeyValueStore.Open(_dir.File("db")))
        {
            var batch = new WriteBatch();
            batch.Put([5, 5], [42]);
            store.Write(batch);
        }

        using var reopened = RocksDbKeyValueStore.Open(_dir.File("db"));
        Assert.Equal([42], reopened.Get([5, 5]));
    }

    [Fact]
    public void RocksDb_OpenTwice_SecondThrowsIOException()
    {
        using var store = RocksDbKeyValueStore.Open(_dir.File("db"));
        Assert.Throws<IOException>(() => RocksDbKeyValueStore.Open(_dir.File("db")));
    }

    private IKeyValueStore Open(string kind) => kind == "memory" ? new MemoryKeyValueStore() : RocksDbKeyValueStore.Open(_dir.File("db"));
}
