using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Persistence;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Persistence;

/// <summary>
/// The chain state store under a ledger with a real block file: what a reopened ledger loads (without validating
/// history again) equals what the ledger that wrote it had, after blocks, transfers, reorganisations and a crash at
/// every write of a reorganisation.
/// </summary>
public sealed class ChainStateStoreTests
{
    private const long Coin = Money.UnitsPerCoin;
    private static readonly RSA Alice = TestChain.Key(0);
    private static readonly Address AliceAddress = TestChain.AddressOf(Alice);
    private static readonly Address Bob = TestChain.AddressOf(TestChain.Key(1));
    private static readonly Address MinerA = Address.Parse("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    private static readonly Address MinerB = Address.Parse("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");

    // The blocks of a fork: a prefix paying Alice a matured coinbase, then branch A (Alice pays Bob 10, then a block) and
    // the heavier branch B from the same parent (Alice pays Bob 20, then two blocks).
    private sealed record Fork(List<Block> Prefix, List<Block> A, List<Block> B, Transaction PayA, Transaction PayB)
    {
        // Every block but B's last, in order: the ledger on A with the rest of B stored beside it, one block short of
        // the reorganisation.
        public IEnumerable<Block> AllButLastOfB => Prefix.Concat(A).Concat(B.Take(B.Count - 1));
    }

    private static Fork BuildFork()
    {
        var reference = TestChain.NewChain();
        var prefix = new List<Block>();
        void Add(List<Block> into, Block block)
        {
            Assert.True(reference.SubmitBlock(block).Accepted);
            into.Add(block);
        }

        Add(prefix, TestChain.Build(reference.Tip, AliceAddress));
        for (var i = 0; i < TestChain.Dev.CoinbaseMaturity - 1; i++)
        {
            Add(prefix, TestChain.Build(reference.Tip, TestChain.Filler));
        }

        var forkPoint = reference.Tip;
        var payA = TestChain.Transfer(Alice, Bob, 10 * Coin, nonce: 0);
        var payB = TestChain.Transfer(Alice, Bob, 20 * Coin, nonce: 0);
        var a = new List<Block>();
        Add(a, TestChain.Build(forkPoint, MinerA, [payA]));
        Add(a, TestChain.Build(reference.Tip, MinerA));
        var b = new List<Block>();
        var parent = forkPoint;
        for (var i = 0; i < 3; i++)
        {
            var block = TestChain.Build(parent, MinerB, i == 0 ? [payB] : null, timestamp: parent.Header.Timestamp + 2);
            Add(b, block);
            parent = new BlockIndex(block, parent);
        }

        Assert.Equal(b[^1].Hash, reference.Tip.Hash);
        return new Fork(prefix, a, b, payA, payB);
    }

    private static Blockchain Open(BlockStore blocks, IKeyValueStore store, long cacheBytes = BlockBodyCache.DefaultCapacityBytes, long stateCacheBytes = AccountCache.DefaultCapacityBytes) =>
        new(TestChain.Dev, TestChain.Clock(), blocks, store: new ChainStateStore(store), blockCacheBytes: cacheBytes, stateCacheBytes: stateCacheBytes);

    // Submits blocks in order, each of which must connect.
    private static void ConnectAll(Blockchain chain, IEnumerable<Block> blocks)
    {
        foreach (var block in blocks)
        {
            Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(block).Status);
        }
    }

    // Submits blocks in order, each of which must be accepted (connected, or held or stored on a branch).
    private static void AcceptAll(Blockchain chain, IEnumerable<Block> blocks)
    {
        foreach (var block in blocks)
        {
            var result = chain.SubmitBlock(block);
            Assert.True(result.Accepted, $"{block.Header.Height}: {result.Error} {result.Message}");
        }
    }

    // What a node does at start: the chain state as stored, then the blocks of the file it does not know, validated.
    private static Blockchain Reopen(BlockStore blocks, IKeyValueStore store, out int replayed, long cacheBytes = BlockBodyCache.DefaultCapacityBytes, long stateCacheBytes = AccountCache.DefaultCapacityBytes)
    {
        var chain = Open(blocks, store, cacheBytes, stateCacheBytes);
        var beyond = blocks.Recover(new ChainStateStore(store).ReadFileExtent().End, out _);
        replayed = beyond.Count;
        Assert.Equal(0, chain.Load(beyond));
        return chain;
    }

    private static void AssertSameState(Blockchain expected, Blockchain actual, params Transaction[] txs)
    {
        Assert.Equal(expected.Tip.Hash, actual.Tip.Hash);
        Assert.Equal(expected.Tip.CumulativeWork, actual.Tip.CumulativeWork);
        foreach (var address in new[] { AliceAddress, Bob, MinerA, MinerB, TestChain.Filler })
        {
            Assert.Equal(expected.GetAccount(address), actual.GetAccount(address));
            Assert.Equal(expected.GetImmatureBalance(address), actual.GetImmatureBalance(address));
            Assert.Equal(
                expected.GetHistory(address, 100).Select(h => (h.Tx.Id, h.Block.Hash)),
                actual.GetHistory(address, 100).Select(h => (h.Tx.Id, h.Block.Hash)));
        }

        foreach (var tx in txs)
        {
            Assert.Equal(expected.FindTransaction(tx.Id)?.Block?.Hash, actual.FindTransaction(tx.Id)?.Block?.Hash);
        }

        for (uint height = 0; height <= expected.Tip.Height; height++)
        {
            Assert.Equal(expected.GetBlockByHeight(height)!.Block.Encode(), actual.GetBlockByHeight(height)!.Block.Encode());
        }
    }

    [Fact]
    public void Reopen_AfterBlocksAndTransfers_LoadsTheSameStateWithoutReplaying()
    {
        var fork = BuildFork();
        using var dir = new TempDirectory();
        var kv = new MemoryKeyValueStore();
        using var blocks = BlockStore.OpenFile(dir.Path);
        blocks.Recover(0, out _);
        var writer = Open(blocks, kv);
        ConnectAll(writer, fork.Prefix.Concat(fork.A));

        var reopened = Reopen(blocks, kv, out var replayed);

        Assert.Equal(0, replayed);
        AssertSameState(writer, reopened, fork.PayA);
        Assert.Equal(40 * Coin - 1_000, reopened.GetAccount(AliceAddress).Balance);
        Assert.Equal(fork.A[0].Hash, reopened.FindTransaction(fork.PayA.Id)!.Value.Block!.Hash);
        Assert.Equal([fork.PayA.Id], reopened.GetHistory(Bob, 10).Select(h => h.Tx.Id));
    }

    [Fact]
    public void Reopen_AfterAReorganisation_LoadsTheNewBranchAndKeepsTheOldAsASideBranch()
    {
        var fork = BuildFork();
        using var dir = new TempDirectory();
        var kv = new MemoryKeyValueStore();
        using var blocks = BlockStore.OpenFile(dir.Path);
        blocks.Recover(0, out _);
        var writer = Open(blocks, kv);
        foreach (var block in fork.Prefix.Concat(fork.A).Concat(fork.B))
        {
            Assert.True(writer.SubmitBlock(block).Accepted);
        }

        var reopened = Reopen(blocks, kv, out var replayed);

        Assert.Equal(0, replayed);
        AssertSameState(writer, reopened, fork.PayA, fork.PayB);
        Assert.Null(reopened.FindTransaction(fork.PayA.Id));
        Assert.Equal(30 * Coin - 1_000, reopened.GetAccount(AliceAddress).Balance);
        Assert.NotNull(reopened.GetBlock(fork.A[^1].Hash));
        Assert.False(reopened.GetBlock(fork.A[^1].Hash)!.IsInvalid);
    }

    [Fact]
    public void Reopen_CrashAtEveryWriteOfAReorganisation_AgreesWithTheLedgerThatNeverCrashed()
    {
        var fork = BuildFork();
        var reference = TestChain.NewChain();
        foreach (var block in fork.Prefix.Concat(fork.A).Concat(fork.B))
        {
            Assert.True(reference.SubmitBlock(block).Accepted);
        }

        // The writes the block completing the reorganisation makes (disconnect two, connect three); a crash at each.
        var writes = SubmitLastBlockCrashingAfter(fork, int.MaxValue, out _, out _);
        Assert.True(writes >= 5, $"a reorganisation over two blocks made only {writes} writes");
        for (var crashAt = 0; crashAt < writes; crashAt++)
        {
            using var dir = new TempDirectory();
            SubmitLastBlockCrashingAfter(fork, crashAt, out var blocks, out var kv, dir);
            using (blocks)
            {
                var reopened = Reopen(blocks, kv, out _);

                // Never behind the best chain the crashed ledger had before the block came (branch A's tip).
                Assert.True(reopened.Tip.CumulativeWork >= reference.GetBlock(fork.A[^1].Hash)!.CumulativeWork);

                // A crash before the block reached blocks.dat lost it (it was never announced): a peer sends it again.
                if (reopened.GetBlock(fork.B[^1].Hash) is null)
                {
                    Assert.Equal(BlockStatus.Connected, reopened.SubmitBlock(fork.B[^1]).Status);
                }

                AssertSameState(reference, reopened, fork.PayA, fork.PayB);
            }
        }
    }

    // Builds the fork's chain up to its last block, then submits that with the store failing from the given write on
    // (a crash). Returns how many writes succeeded.
    private static int SubmitLastBlockCrashingAfter(Fork fork, int crashAt, out BlockStore blocks, out MemoryKeyValueStore kv, TempDirectory? dir = null)
    {
        using var scratch = dir is null ? new TempDirectory() : null;
        blocks = BlockStore.OpenFile((dir ?? scratch!).Path);
        blocks.Recover(0, out _);
        kv = new MemoryKeyValueStore();
        var crashing = new CrashingStore(kv);
        var writer = Open(blocks, crashing);
        foreach (var block in fork.AllButLastOfB)
        {
            Assert.True(writer.SubmitBlock(block).Accepted);
        }

        crashing.CrashAfter(crashAt);
        if (crashAt == int.MaxValue)
        {
            Assert.Equal(BlockStatus.Connected, writer.SubmitBlock(fork.B[^1]).Status);
            blocks.Dispose();
        }
        else
        {
            Assert.Throws<IOException>(() => writer.SubmitBlock(fork.B[^1]));
        }

        return crashing.Writes;
    }

    [Fact]
    public void StateCacheOfOneAccount_BlocksReorganisationAndRestart_AgreeWithAnUnboundedLedgerReadingFromTheStore()
    {
        var fork = BuildFork();
        var reference = TestChain.NewChain();
        ConnectAll(reference, fork.Prefix.Concat(fork.A));
        using var dir = new TempDirectory();
        var kv = new CountingStore(new MemoryKeyValueStore());
        using var blocks = BlockStore.OpenFile(dir.Path);
        blocks.Recover(0, out _);
        var writer = Open(blocks, kv, stateCacheBytes: AccountCache.EntryBytes);

        // Every block touches more accounts than the cache holds (a miner, Alice, Bob): validation reads evicted ones
        // from the store, and the reorganisation undoes and redoes accounts evicted since.
        ConnectAll(writer, fork.Prefix.Concat(fork.A));
        foreach (var block in fork.B)
        {
            Assert.True(writer.SubmitBlock(block).Accepted);
            Assert.True(reference.SubmitBlock(block).Accepted);
        }

        Assert.Equal(fork.B[^1].Hash, writer.Tip.Hash);
        Assert.True(kv.AccountReads > 0, "no account was read from the store: nothing was evicted");
        AssertSameState(reference, writer, fork.PayA, fork.PayB);

        kv.Reset();
        var reopened = Reopen(blocks, kv, out var replayed, stateCacheBytes: AccountCache.EntryBytes);

        // The start reads no account (neither a scan of them nor one by one); they come from the store when asked for.
        Assert.Equal(0, replayed);
        Assert.Equal(0, kv.AccountReads);
        Assert.Equal(0, kv.AccountScans);
        AssertSameState(reference, reopened, fork.PayA, fork.PayB);
        Assert.True(kv.AccountReads > 0);

        // The mempool sees the same nonces and balances: Alice's nonce 0 is spent on branch B, nonce 1 is next.
        Assert.False(reopened.SubmitTransaction(TestChain.Transfer(Alice, Bob, Coin, nonce: 0)).IsValid);
        Assert.True(reopened.SubmitTransaction(TestChain.Transfer(Alice, Bob, Coin, nonce: 1)).IsValid);
        Assert.Equal(new AccountState(30 * Coin - 1_000 - Coin - 1_000, 2), reopened.GetPendingAccount(AliceAddress));
    }

    [Fact]
    public void SubmitBlock_NewRecipientsAndUnknownAddresses_OneStoreReadPerAccountPerBlockAndNoAccountEvicted()
    {
        // A reopened ledger (its cache starts empty, so misses read the store) with room for 8 accounts: a block paying
        // addresses never seen reads each account it touches once, and keeps them; balance queries for 100 addresses
        // that have no account each read the store and push none of them out.
        var fork = BuildFork();
        using var dir = new TempDirectory();
        using var blocks = BlockStore.OpenFile(dir.Path);
        blocks.Recover(0, out _);
        var kv = new MemoryKeyValueStore();
        ConnectAll(Open(blocks, kv), fork.Prefix);
        var counting = new CountingStore(kv);
        var chain = Reopen(blocks, counting, out _, stateCacheBytes: 8L * AccountCache.EntryBytes);
        var fresh = Enumerable.Range(1, 4).Select(i => new Address([.. Enumerable.Repeat((byte)0x5e, Address.Size - 1), (byte)i])).ToArray();
        var lag = (uint)(TestChain.Dev.CoinbaseMaturity - 1);
        Address MaturedIn(uint height) => lag == 0 ? MinerA : chain.GetBlockByHeight(height - lag)!.Block.Transactions[0].Recipient;
        counting.Reset();

        var first = TestChain.Build(chain.Tip, MinerA, [
            TestChain.Transfer(Alice, Bob, Coin, nonce: 0),
            TestChain.Transfer(Alice, fresh[0], Coin, nonce: 1),
            TestChain.Transfer(Alice, fresh[1], Coin, nonce: 2),
            TestChain.Transfer(Alice, fresh[2], Coin, nonce: 3)]);
        HashSet<Address> touched = [AliceAddress, Bob, fresh[0], fresh[1], fresh[2], MaturedIn(first.Height)];
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(first).Status);
        Assert.Equal(touched.Count, counting.AccountReads);

        counting.Reset();
        var second = TestChain.Build(chain.Tip, MinerA, [TestChain.Transfer(Alice, fresh[3], Coin, nonce: 4)]);
        var newlyTouched = new[] { fresh[3], MaturedIn(second.Height) }.Where(a => !touched.Contains(a)).ToArray();
        touched.UnionWith(newlyTouched);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(second).Status);
        Assert.Equal(newlyTouched.Length, counting.AccountReads);

        counting.Reset();
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(default, chain.GetAccount(new Address([.. Enumerable.Repeat((byte)0xe0, Address.Size - 1), (byte)i])));
        }

        Assert.Equal(100, counting.AccountReads);
        counting.Reset();
        foreach (var address in touched)
        {
            Assert.NotEqual(default, chain.GetAccount(address));
        }

        Assert.True(counting.AccountReads == 0, $"{counting.AccountReads} of the {touched.Count} accounts the blocks touched were evicted");
    }

    [Fact]
    public void Load_ABlockRecordedTwice_SecondIsADuplicateNotARefusal()
    {
        var fork = BuildFork();
        using var dir = new TempDirectory();
        using var blocks = BlockStore.OpenFile(dir.Path);
        blocks.Recover(0, out _);
        var records = fork.Prefix.Concat(fork.A).Select(b => new StoredBlock(blocks.Append(b), b)).ToList();
        records.Add(new StoredBlock(blocks.Append(fork.A[0]), fork.A[0]));
        var refused = new List<BlockStatus>();
        var chain = Open(blocks, new MemoryKeyValueStore());

        Assert.Equal(0, chain.Load(records, (_, _, result) => refused.Add(result.Status)));

        Assert.Equal(BlockStatus.Duplicate, refused[^1]);
        Assert.Equal(fork.A[^1].Hash, chain.Tip.Hash);
        Assert.Equal(records[^2].Position, chain.Tip.Position);
    }

    [Fact]
    public void Block_NoCache_BodiesLeaveMemoryAndAreReadFromTheFile()
    {
        var fork = BuildFork();
        using var dir = new TempDirectory();
        using var blocks = BlockStore.OpenFile(dir.Path);
        blocks.Recover(0, out _);
        var chain = Open(blocks, new MemoryKeyValueStore(), cacheBytes: 0);
        ConnectAll(chain, fork.Prefix.Concat(fork.A));

        var tip = chain.Tip;
        Assert.Null(tip.LoadedBlock);
        Assert.True(tip.Position >= 0);
        Assert.Equal(fork.A[^1].Encode(), tip.Block.Encode());
        Assert.Equal(fork.PayA.Encode(), chain.FindTransaction(fork.PayA.Id)!.Value.Tx.Encode());
    }

    [Fact]
    public void EncodeBlock_NoCache_ReadFromTheFileAsStoredAndTheHashChecked()
    {
        var fork = BuildFork();
        using var dir = new TempDirectory();
        using var blocks = BlockStore.OpenFile(dir.Path);
        blocks.Recover(0, out _);
        var chain = Open(blocks, new MemoryKeyValueStore(), cacheBytes: 0);
        ConnectAll(chain, fork.Prefix.Concat(fork.A));

        var first = chain.GetBlockByHeight(1)!;
        Assert.Null(first.LoadedBlock);
        Assert.Equal(fork.Prefix[0].Encode(), first.EncodeBlock());
        Assert.Equal(fork.A[^1].Encode(), chain.Tip.EncodeBlock());
        Assert.Equal(TestChain.Dev.Genesis.Encode(), chain.GetBlockByHeight(0)!.EncodeBlock());

        // An index entry naming another block's record is caught, not answered with the wrong block.
        var misplaced = new BlockIndex(fork.Prefix[0], chain.GetBlockByHeight(0));
        misplaced.SetStored(chain.Tip.Position, new BlockBodyCache(blocks, capacityBytes: 0));
        var e = Assert.Throws<ChainStateStoreException>(misplaced.EncodeBlock);
        Assert.Contains("--reindex", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindSenderKey_SentLongAgoThenOnlyReceived_FindsItsKeyAndNoneForAnAddressThatNeverSent()
    {
        var fork = BuildFork();
        using var dir = new TempDirectory();
        using var blocks = BlockStore.OpenFile(dir.Path);
        blocks.Recover(0, out _);
        var chain = Open(blocks, new MemoryKeyValueStore(), cacheBytes: 0);
        ConnectAll(chain, fork.Prefix.Concat(fork.A));

        // Alice's payment to Bob, then coinbases paid to her on top: the newest entries of her history are receipts.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(TestChain.Build(chain.Tip, AliceAddress)).Status);
        }

        Assert.Equal(Alice.ExportSubjectPublicKeyInfo(), chain.FindSenderKey(AliceAddress));
        Assert.Null(chain.FindSenderKey(Bob));
        Assert.Null(chain.FindSenderKey(MinerA));
    }

    [Fact]
    public void Block_WithCache_RecentBodiesStayInMemoryUpToTheBound()
    {
        var fork = BuildFork();
        using var dir = new TempDirectory();
        using var blocks = BlockStore.OpenFile(dir.Path);
        blocks.Recover(0, out _);
        var oneBlock = fork.A[^1].EncodedSize;
        var chain = Open(blocks, new MemoryKeyValueStore(), cacheBytes: (2 * oneBlock) + (oneBlock / 2));
        ConnectAll(chain, fork.Prefix.Concat(fork.A));

        Assert.NotNull(chain.Tip.LoadedBlock);
        Assert.Null(chain.GetBlockByHeight(1)!.LoadedBlock);
        Assert.Equal(fork.Prefix[0].Encode(), chain.GetBlockByHeight(1)!.Block.Encode());
    }

    [Fact]
    public void Open_StoreOfAnotherNetwork_RefusedNamingReindex()
    {
        using var dir = new TempDirectory();
        var kv = new MemoryKeyValueStore();
        _ = new Blockchain(NetworkParameters.Main, TestChain.Clock(NetworkParameters.Main), store: new ChainStateStore(kv));
        using var blocks = BlockStore.OpenFile(dir.Path);

        var error = Assert.Throws<ChainStateStoreException>(() => Open(blocks, kv));

        Assert.Contains("--reindex", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TipRecordMissingFromTheFile_RefusedNamingReindex()
    {
        var fork = BuildFork();
        using var dir = new TempDirectory();
        using var other = new TempDirectory();
        var kv = new MemoryKeyValueStore();
        using (var blocks = BlockStore.OpenFile(dir.Path))
        {
            blocks.Recover(0, out _);
            var writer = Open(blocks, kv);
            ConnectAll(writer, fork.Prefix);
        }

        // Another file whose records are other blocks at the same places.
        using var replaced = BlockStore.OpenFile(other.Path);
        replaced.Recover(0, out _);
        foreach (var block in fork.Prefix.Take(1).Concat(fork.A).Concat(fork.B))
        {
            replaced.Append(block);
        }

        var error = Assert.Throws<ChainStateStoreException>(() => Open(replaced, kv));

        Assert.Contains("--reindex", error.Message, StringComparison.Ordinal);
    }

    // Counts the reads of account entries ('a' keys) that reach the store.
    private sealed class CountingStore(IKeyValueStore inner) : IKeyValueStore
    {
        public int AccountReads { get; private set; }

        public int AccountScans { get; private set; }

        public void Reset() => (AccountReads, AccountScans) = (0, 0);

        public byte[]? Get(ReadOnlySpan<byte> key)
        {
            AccountReads += key.Length > 0 && key[0] == (byte)'a' ? 1 : 0;
            return inner.Get(key);
        }

        public IEnumerable<KeyValuePair<byte[], byte[]>> Scan(byte[] prefix, bool descending = false)
        {
            AccountScans += prefix.Length == 0 || prefix[0] == (byte)'a' ? 1 : 0;
            return inner.Scan(prefix, descending);
        }

        public void Write(WriteBatch batch) => inner.Write(batch);

        public IKeyValueSnapshot GetSnapshot() => inner.GetSnapshot();

        public void Dispose()
        {
        }
    }

    [Fact]
    public void SubmitBlock_StoreWriteFailsOnceDuringReorganisation_BoundedCacheAgreesWithStoreAndRetryReachesSameState()
    {
        // Found by review: each of the first writes of a reorganisation from branch A to the heavier B fails once, with
        // caches of 0, 1 and 3 accounts and the default; after the failure and after submitting the block again, every
        // account the cache answers is the store's, and the ledger ends where one that never failed ends.
        var fork = BuildFork();
        var reference = TestChain.NewChain();
        AcceptAll(reference, fork.Prefix.Concat(fork.A).Concat(fork.B));
        foreach (var stateCacheBytes in new[] { 0L, AccountCache.EntryBytes, 3L * AccountCache.EntryBytes, AccountCache.DefaultCapacityBytes })
        {
            for (var failing = 0; failing < 8; failing++)
            {
                using var dir = new TempDirectory();
                using var blocks = BlockStore.OpenFile(dir.Path);
                blocks.Recover(0, out _);
                var kv = new MemoryKeyValueStore();
                var flaky = new FailOnceStore(kv);
                var chain = Open(blocks, flaky, stateCacheBytes: stateCacheBytes);
                AcceptAll(chain, fork.AllButLastOfB);
                var what = $"state cache {stateCacheBytes} bytes, write {failing} failing";

                flaky.FailWrite(failing);
                try
                {
                    chain.SubmitBlock(fork.B[^1]);
                }
                catch (IOException)
                {
                }

                AssertCacheMatchesStore(chain, kv, what + ", after the failure");
                chain.SubmitBlock(fork.B[^1]);
                AssertCacheMatchesStore(chain, kv, what + ", after the retry");
                Assert.True(reference.Tip.Hash == chain.Tip.Hash, what);
                AssertSameState(reference, chain, fork.PayA, fork.PayB);
            }
        }
    }

    [Fact]
    public void SubmitBlock_HeavierBranchInvalidMidway_BoundedCacheRestoresOldChainThenFollowsValidBranch()
    {
        // Found by review: a heavier branch whose second block overspends makes the ledger put branch A back (Restore)
        // after disconnecting it; with caches of 0, 1 and 2 accounts the state is then A's, and B still wins later.
        var fork = BuildFork();
        foreach (var stateCacheBytes in new[] { 0L, AccountCache.EntryBytes, 2L * AccountCache.EntryBytes })
        {
            using var dir = new TempDirectory();
            using var blocks = BlockStore.OpenFile(dir.Path);
            blocks.Recover(0, out _);
            var kv = new MemoryKeyValueStore();
            var chain = Open(blocks, kv, stateCacheBytes: stateCacheBytes);
            var reference = TestChain.NewChain();
            ConnectAll(chain, fork.Prefix.Concat(fork.A));
            ConnectAll(reference, fork.Prefix.Concat(fork.A));
            var forkPoint = chain.GetBlockByHeight((uint)fork.Prefix.Count)!;
            var c1 = TestChain.Build(forkPoint, MinerB, [TestChain.Transfer(Alice, Bob, 5 * Coin, nonce: 0)], timestamp: forkPoint.Header.Timestamp + 3);
            var c2 = TestChain.Build(new BlockIndex(c1, forkPoint), MinerB, [TestChain.Transfer(Alice, Bob, 1000 * Coin, nonce: 1)], timestamp: c1.Header.Timestamp + 3);
            var c3 = TestChain.Build(new BlockIndex(c2, new BlockIndex(c1, forkPoint)), MinerB, timestamp: c2.Header.Timestamp + 3);
            foreach (var block in new[] { c1, c2, c3 })
            {
                Assert.Equal(reference.SubmitBlock(block).Status, chain.SubmitBlock(block).Status);
            }

            Assert.Equal(fork.A[^1].Hash, chain.Tip.Hash);
            AssertSameState(reference, chain, fork.PayA);
            AssertCacheMatchesStore(chain, kv, $"state cache {stateCacheBytes} bytes, on A");

            AcceptAll(chain, fork.B);
            AcceptAll(reference, fork.B);
            AssertSameState(reference, chain, fork.PayA, fork.PayB);
            AssertCacheMatchesStore(chain, kv, $"state cache {stateCacheBytes} bytes, on B");
        }
    }

    [Fact]
    public void SubmitBlock_StoreWriteFailsOnceDuringReorganisation_PreviousBestChainPutBackNothingReported()
    {
        // A write failing at any point of the reorganisation from branch A to the heavier B (two disconnects, three
        // connects), the first disconnect's included: the ledger ends on A's tip, which subscribers were last told of.
        var fork = BuildFork();
        var writes = SubmitLastBlockCrashingAfter(fork, int.MaxValue, out _, out _);
        for (var failing = 0; failing < writes; failing++)
        {
            using var dir = new TempDirectory();
            using var blocks = BlockStore.OpenFile(dir.Path);
            blocks.Recover(0, out _);
            var kv = new MemoryKeyValueStore();
            var flaky = new FailOnceStore(kv);
            var chain = Open(blocks, flaky);
            AcceptAll(chain, fork.AllButLastOfB);
            var updates = new List<ChainUpdate>();
            chain.TipChanged += updates.Add;

            flaky.FailWrite(failing);
            Assert.Throws<IOException>(() => chain.SubmitBlock(fork.B[^1]));

            Assert.True(fork.A[^1].Hash == chain.Tip.Hash, $"write {failing} failing: the ledger is on {chain.Tip}, not A's tip");
            Assert.Empty(updates);
            AssertCacheMatchesStore(chain, kv, $"write {failing} failing");
        }
    }

    [Fact]
    public void SubmitBlock_StoreFailsFromEachWriteOfAReorganisationOn_TipTheLedgerEndsOnIsReportedAndTheMempoolFollows()
    {
        // The store fails from one write of the reorganisation on, so putting branch A back fails too: wherever the
        // ledger stops (part of A disconnected, part of B connected), subscribers hear of that tip, the mempool is
        // reconciled against it (A's payment back in it while the tip is below A), the caller gets the failure, and
        // once the store works again the block takes the ledger to B with subscribers following.
        var fork = BuildFork();
        var writes = SubmitLastBlockCrashingAfter(fork, int.MaxValue, out _, out _);
        for (var crashAt = 0; crashAt < writes; crashAt++)
        {
            using var dir = new TempDirectory();
            using var blocks = BlockStore.OpenFile(dir.Path);
            blocks.Recover(0, out _);
            var kv = new MemoryKeyValueStore();
            var crashing = new CrashingStore(kv);
            var chain = Open(blocks, crashing);
            AcceptAll(chain, fork.AllButLastOfB);
            var reported = chain.Tip.Hash;
            chain.TipChanged += update => reported = update.Tip.Hash;
            var what = $"store failing from write {crashAt} on";

            crashing.CrashAfter(crashAt);
            Assert.Throws<IOException>(() => chain.SubmitBlock(fork.B[^1]));

            Assert.True(reported == chain.Tip.Hash, $"{what}: the ledger is on {chain.Tip}, subscribers were told {reported}");
            AssertCacheMatchesStore(chain, kv, what);
            var payAPending = chain.GetMempoolTransaction(fork.PayA.Id) is not null;
            Assert.True(chain.GetAccount(AliceAddress).Nonce == 0 == payAPending, $"{what}: on {chain.Tip} Alice's nonce is {chain.GetAccount(AliceAddress).Nonce}, A's payment pending: {payAPending}");

            crashing.CrashAfter(int.MaxValue);
            Assert.True(chain.SubmitBlock(fork.B[^1]).Accepted, what);
            Assert.Equal(fork.B[^1].Hash, chain.Tip.Hash);
            Assert.Equal(fork.B[^1].Hash, reported);
            Assert.Null(chain.GetMempoolTransaction(fork.PayA.Id));
        }
    }

    /// <summary>What is done first once the store works again.</summary>
    public enum NextStep
    {
        /// <summary>The block whose reorganisation failed is submitted again.</summary>
        SameBlockAgain,

        /// <summary>A new block on branch A's tip is submitted.</summary>
        BlockOnA,

        /// <summary>The miner asks for a template.</summary>
        Template,
    }

    [Theory]
    [MemberData(nameof(FailureStartsAndNextSteps))]
    public void SubmitBlock_StoreFailsFromEachWriteWhileAnInvalidBranchIsTried_NextStepOnceTheStoreWorksReturnsToTheHeaviestValidChain(int crashAt, NextStep next)
    {
        // Found by review: branch A (Alice pays Bob) is the tip; branch C, whose second block overspends, is stored as a
        // side branch, and its third block makes the ledger try it (disconnect A's two blocks, connect c1, fail c2, mark
        // it invalid, put A back). The store fails from one of those writes on, so putting A back fails too and the tip
        // stays below A's work (at the fork point or on c1). Once the store works, the next block submitted or template
        // asked for must leave the ledger on the heaviest valid chain, as a restarted node would (it activates the best
        // chain at load), with subscribers told and A's payment in the chain or the mempool: before, the ledger stayed
        // below A for good, or moved onto c1 (less work than A) and built templates on it.
        var fork = BuildFork();
        using var dir = new TempDirectory();
        using var blocks = BlockStore.OpenFile(dir.Path);
        blocks.Recover(0, out _);
        var kv = new MemoryKeyValueStore();
        var crashing = new CrashingStore(kv);
        var chain = Open(blocks, crashing);
        AcceptAll(chain, fork.Prefix.Concat(fork.A));
        var onA = chain.Tip;
        var forkPoint = chain.GetBlockByHeight((uint)fork.Prefix.Count)!;
        var c1 = TestChain.Build(forkPoint, MinerB, [TestChain.Transfer(Alice, Bob, 5 * Coin, nonce: 0)], timestamp: forkPoint.Header.Timestamp + 3);
        var c2 = TestChain.Build(new BlockIndex(c1, forkPoint), MinerB, [TestChain.Transfer(Alice, Bob, 1000 * Coin, nonce: 1)], timestamp: c1.Header.Timestamp + 3);
        var c3 = TestChain.Build(new BlockIndex(c2, new BlockIndex(c1, forkPoint)), MinerB, timestamp: c2.Header.Timestamp + 3);
        var a2 = TestChain.Build(onA, MinerA, timestamp: onA.Header.Timestamp + 3);
        AcceptAll(chain, [c1, c2]);
        Assert.Equal(onA.Hash, chain.Tip.Hash);
        var reported = chain.Tip.Hash;
        chain.TipChanged += update => reported = update.Tip.Hash;
        var what = $"store failing from write {crashAt} on, then {next}";

        crashing.CrashAfter(crashAt);
        Assert.Throws<IOException>(() => chain.SubmitBlock(c3));
        Assert.True(reported == chain.Tip.Hash, $"{what}: the ledger is on {chain.Tip}, subscribers were told {reported}");

        // While the store still fails, a template cannot return the ledger to A (it builds on the tip it is on, and the
        // return is tried again later) nor does it throw.
        Assert.Equal(chain.Tip.Hash, chain.CreateTemplate(MinerA).Header.PreviousHash);
        Assert.Equal(chain.Tip.Hash, reported);

        crashing.CrashAfter(int.MaxValue);
        var expected = onA;
        switch (next)
        {
            case NextStep.SameBlockAgain:
                Assert.Equal(BlockStatus.Invalid, chain.SubmitBlock(c3).Status);
                break;
            case NextStep.BlockOnA:
                Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(a2).Status);
                expected = new BlockIndex(a2, onA);
                break;
            default:
                Assert.Equal(onA.Hash, chain.CreateTemplate(MinerA).Header.PreviousHash);
                break;
        }

        Assert.True(expected.Hash == chain.Tip.Hash, $"{what}: the ledger is on {chain.Tip} (work {chain.Tip.CumulativeWork}), not {expected} (work {expected.CumulativeWork})");
        Assert.Equal(chain.Tip.Hash, reported);
        AssertCacheMatchesStore(chain, kv, what);
        var payAConfirmed = chain.FindTransaction(fork.PayA.Id)?.Block is not null;
        var payAPending = chain.GetMempoolTransaction(fork.PayA.Id) is not null;
        Assert.True(payAConfirmed != payAPending, $"{what}: A's payment confirmed {payAConfirmed}, pending {payAPending}");
    }

    // Every write of trying branch C (two disconnects, connecting c1, marking c2 invalid, disconnecting c1, connecting
    // A's two blocks) as the first failing one, with each next step.
    public static TheoryData<int, NextStep> FailureStartsAndNextSteps()
    {
        var data = new TheoryData<int, NextStep>();
        for (var crashAt = 0; crashAt < 7; crashAt++)
        {
            foreach (var next in Enum.GetValues<NextStep>())
            {
                data.Add(crashAt, next);
            }
        }

        return data;
    }

    [Fact]
    public void SubmitBlock_AdoptedOrphanFailsToStore_TheParentsConnectionIsReportedAndConfirmsItsTransfer()
    {
        // The parent connects (its batch written), then its held child fails to store and the exception ends the
        // submission: the tip has moved by the parent all the same, so subscribers and the mempool hear of it.
        var fork = BuildFork();
        using var dir = new TempDirectory();
        using var blocks = BlockStore.OpenFile(dir.Path);
        blocks.Recover(0, out _);
        var kv = new MemoryKeyValueStore();
        var crashing = new CrashingStore(kv);
        var chain = Open(blocks, crashing);
        ConnectAll(chain, fork.Prefix);
        Assert.True(chain.SubmitTransaction(fork.PayA).IsValid);
        var parent = TestChain.Build(chain.Tip, MinerA, [fork.PayA]);
        var child = TestChain.Build(new BlockIndex(parent, chain.Tip), MinerA);
        Assert.Equal(BlockStatus.Orphan, chain.SubmitBlock(child).Status);
        var reported = new List<ChainUpdate>();
        chain.TipChanged += reported.Add;

        crashing.CrashAfter(1);
        Assert.Throws<IOException>(() => chain.SubmitBlock(parent));

        Assert.Equal(parent.Hash, chain.Tip.Hash);
        var update = Assert.Single(reported);
        Assert.Equal(parent.Hash, update.Tip.Hash);
        Assert.Equal([parent.Hash], update.Connected.Select(b => b.Hash));
        Assert.Empty(update.Disconnected);
        Assert.Null(chain.GetMempoolTransaction(fork.PayA.Id));
        AssertCacheMatchesStore(chain, kv, "child failing to store");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void SubmitBlock_StoreWriteFailsWhilePromotingAHeldBranch_BranchStaysHeldAndTheNextBlockPromotesIt(int failing)
    {
        // B's first block is held (less work than A); B's second brings the branch level with A, so both are taken from
        // the orphan pool and stored, and the write of the first (0) or the second (1) fails. The blocks not stored stay
        // held, none stored stays held too, and B's third block, once the store works, takes the ledger to B.
        var fork = BuildFork();
        using var dir = new TempDirectory();
        using var blocks = BlockStore.OpenFile(dir.Path);
        blocks.Recover(0, out _);
        var kv = new MemoryKeyValueStore();
        var flaky = new FailOnceStore(kv);
        var chain = Open(blocks, flaky);
        AcceptAll(chain, [.. fork.Prefix, .. fork.A]);
        Assert.Equal(BlockStatus.Held, chain.SubmitBlock(fork.B[0]).Status);

        flaky.FailWrite(failing);
        Assert.Throws<IOException>(() => chain.SubmitBlock(fork.B[1]));

        Assert.Equal(fork.A[^1].Hash, chain.Tip.Hash);
        foreach (var block in fork.B.Take(2))
        {
            var stored = chain.GetBlock(block.Hash) is not null;
            Assert.True(stored != chain.HoldsSideBlock(block.Hash), $"write {failing} failing: {block.Header.Height} stored {stored}, held {chain.HoldsSideBlock(block.Hash)}");
        }

        Assert.Equal(2 - failing, chain.OrphanCount);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(fork.B[^1]).Status);
        Assert.Equal(fork.B[^1].Hash, chain.Tip.Hash);
        Assert.Equal(0, chain.OrphanCount);
        AssertCacheMatchesStore(chain, kv, $"write {failing} failing");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SubmitBlock_StoreReadsFailAfterAReorganisation_MempoolKeptThenReconciledOnceReadsWork(bool nextBlockFirst)
    {
        // Branch A (Alice pays Bob, nonce 0) is the tip with Alice's nonce 1 payment pending; branch B, with no
        // transfer, overtakes it, and the store's reads fail from its last write on, so the mempool's reconciliation
        // throws. The pending payment stays; once reads work, the next block or the next template brings the mempool to
        // B: A's payment back, then the pending one, both in the template.
        var reference = TestChain.NewChain();
        var prefix = new List<Block>();
        void Add(List<Block> into, Block block)
        {
            Assert.True(reference.SubmitBlock(block).Accepted);
            into.Add(block);
        }

        Add(prefix, TestChain.Build(reference.Tip, AliceAddress));
        for (var i = 0; i < TestChain.Dev.CoinbaseMaturity - 1; i++)
        {
            Add(prefix, TestChain.Build(reference.Tip, TestChain.Filler));
        }

        var forkPoint = reference.Tip;
        var payA = TestChain.Transfer(Alice, Bob, 10 * Coin, nonce: 0);
        var pending = TestChain.Transfer(Alice, Bob, Coin, nonce: 1);
        var a = TestChain.Build(forkPoint, MinerA, [payA]);
        var b = new List<Block>();
        var parent = forkPoint;
        for (var i = 0; i < 3; i++)
        {
            b.Add(TestChain.Build(parent, MinerB, timestamp: parent.Header.Timestamp + 2));
            parent = new BlockIndex(b[^1], parent);
        }

        int WritesOfReorganisation()
        {
            using var dir = new TempDirectory();
            using var blocks = BlockStore.OpenFile(dir.Path);
            blocks.Recover(0, out _);
            var counting = new ReadFailingStore(new MemoryKeyValueStore());
            var chain = Open(blocks, counting);
            AcceptAll(chain, [.. prefix, a, b[0]]);
            var before = counting.Writes;
            Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(b[1]).Status);
            return counting.Writes - before;
        }

        var writes = WritesOfReorganisation();
        {
            using var dir = new TempDirectory();
            using var blocks = BlockStore.OpenFile(dir.Path);
            blocks.Recover(0, out _);
            var store = new ReadFailingStore(new MemoryKeyValueStore());
            var chain = Open(blocks, store);
            AcceptAll(chain, [.. prefix, a]);
            Assert.True(chain.SubmitTransaction(pending).IsValid);
            AcceptAll(chain, [b[0]]);

            store.FailReadsAfter(writes);
            Assert.Throws<IOException>(() => chain.SubmitBlock(b[1]));

            Assert.Equal(b[1].Hash, chain.Tip.Hash);
            Assert.Equal([pending.Id], chain.GetMempool().Select(t => t.Id));

            store.FailReadsAfter(int.MaxValue);
            if (nextBlockFirst)
            {
                Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(b[2]).Status);
                Assert.Equal([payA.Id, pending.Id], chain.GetMempool().Select(t => t.Id));
            }

            var template = chain.CreateTemplate(MinerA);
            Assert.Equal([payA.Id, pending.Id], template.Transactions.Skip(1).Select(t => t.Id));
            Assert.Equal([payA.Id, pending.Id], chain.GetMempool().Select(t => t.Id));
        }
    }

    private static void AssertCacheMatchesStore(Blockchain chain, IKeyValueStore kv, string what)
    {
        var store = new ChainStateStore(kv);
        foreach (var address in new[] { AliceAddress, Bob, MinerA, MinerB, TestChain.Filler })
        {
            Assert.True(store.ReadAccount(address).GetValueOrDefault() == chain.GetAccount(address), $"{what}: {address} answers {chain.GetAccount(address)}, the store holds {store.ReadAccount(address)}");
        }

        Assert.Equal(store.ReadTip()!.Value.Hash, chain.Tip.Hash);
    }

    // Passes writes through but for one, which fails as a full disk or an I/O error would, once.
    private sealed class FailOnceStore(IKeyValueStore inner) : IKeyValueStore
    {
        private int _failing = -1;

        public void FailWrite(int index) => _failing = index;

        public byte[]? Get(ReadOnlySpan<byte> key) => inner.Get(key);

        public IEnumerable<KeyValuePair<byte[], byte[]>> Scan(byte[] prefix, bool descending = false) => inner.Scan(prefix, descending);

        public void Write(WriteBatch batch)
        {
            if (_failing-- == 0)
            {
                throw new IOException("simulated write failure");
            }

            inner.Write(batch);
        }

        public IKeyValueSnapshot GetSnapshot() => inner.GetSnapshot();

        public void Dispose()
        {
        }
    }

    // Passes writes through, counting them; reads fail, as on an I/O error, once a given number of writes more are done.
    private sealed class ReadFailingStore(IKeyValueStore inner) : IKeyValueStore
    {
        private int _writesLeft = int.MaxValue;

        public int Writes { get; private set; }

        public void FailReadsAfter(int writes) => _writesLeft = writes;

        public byte[]? Get(ReadOnlySpan<byte> key) => _writesLeft <= 0 ? throw new IOException("simulated read failure") : inner.Get(key);

        public IEnumerable<KeyValuePair<byte[], byte[]>> Scan(byte[] prefix, bool descending = false) =>
            _writesLeft <= 0 ? throw new IOException("simulated read failure") : inner.Scan(prefix, descending);

        public void Write(WriteBatch batch)
        {
            inner.Write(batch);
            Writes++;
            _writesLeft--;
        }

        public IKeyValueSnapshot GetSnapshot() => inner.GetSnapshot();

        public void Dispose()
        {
        }
    }

    // Passes writes through until told to crash: from then on every write fails, as if the process had died.
    private sealed class CrashingStore(IKeyValueStore inner) : IKeyValueStore
    {
        private int _left = int.MaxValue;

        public int Writes { get; private set; }

        public void CrashAfter(int writes)
        {
            _left = writes;
            Writes = 0;
        }

        public byte[]? Get(ReadOnlySpan<byte> key) => inner.Get(key);

        public IEnumerable<KeyValuePair<byte[], byte[]>> Scan(byte[] prefix, bool descending = false) => inner.Scan(prefix, descending);

        public void Write(WriteBatch batch)
        {
            if (_left <= 0)
            {
                throw new IOException("simulated crash");
            }

            _left--;
            Writes++;
            inner.Write(batch);
        }

        public IKeyValueSnapshot GetSnapshot() => inner.GetSnapshot();

        public void Dispose()
        {
        }
    }
}
