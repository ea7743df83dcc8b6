using Chain.Core.Tests.TestSupport;
using Chain.Core.Ledger;
using Chain.Core.Persistence;

namespace Chain.Core.Tests.Persistence;

public sealed class BlockStoreTests
{
    [Fact]
    public void Append_ManyBlocks_ReopenReturnsAllInFileOrder()
    {
        using var dir = new TempDirectory();
        var chain = TestBlocks.Chain(60);
        using (var store = BlockStore.Open(dir.Path, out var initial, out _))
        {
            Assert.Empty(initial);
            foreach (var block in chain)
            {
                store.Append(block);
            }
        }

        using var reopened = BlockStore.Open(dir.Path, out var blocks, out var recovery);
        AssertSameBlocks(chain, blocks);
        Assert.False(recovery.HadTornTail);
        Assert.Equal(new FileInfo(dir.File(BlockStore.FileName)).Length, recovery.ValidLength);
        Assert.Equal(recovery.ValidLength, reopened.Length);
    }

    [Fact]
    public void Append_AcrossReopens_KeepsEveryBlock()
    {
        using var dir = new TempDirectory();
        var chain = TestBlocks.Chain(7);
        for (var start = 0; start < chain.Count; start += 3)
        {
            using var store = BlockStore.Open(dir.Path, out var loaded, out _);
            AssertSameBlocks(chain.Take(start).ToList(), loaded);
            foreach (var block in chain.Skip(start).Take(3))
            {
                store.Append(block);
            }
        }

        using var final = BlockStore.Open(dir.Path, out var blocks, out _);
        AssertSameBlocks(chain, blocks);
    }

    [Fact]
    public void Open_MissingFile_CreatesEmptyFileAndFolder()
    {
        using var dir = new TempDirectory();
        var nested = Path.Combine(dir.Path, "node", "data");
        using var store = BlockStore.Open(nested, out var blocks, out var recovery);
        Assert.Empty(blocks);
        Assert.Equal(new StoreRecovery(0, 0), recovery);
        Assert.Equal(Path.Combine(nested, BlockStore.FileName), store.FilePath);
        Assert.Equal(0, new FileInfo(store.FilePath).Length);
    }

    [Fact]
    public void Open_EmptyFile_ZeroBlocks()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File(BlockStore.FileName), []);
        using var store = BlockStore.Open(dir.Path, out var blocks, out var recovery);
        Assert.Empty(blocks);
        Assert.False(recovery.HadTornTail);
    }

    [Fact]
    public void Open_TornTailAtEveryOffsetOfLastRecord_CutsBackAndNextAppendIsKept()
    {
        using var dir = new TempDirectory();
        var path = dir.File(BlockStore.FileName);
        // One signed transfer in the last block keeps the record realistic and the loop short (each pass syncs the disk).
        var chain = TestBlocks.Chain(4, signedPerBlockCap: 1);
        Assert.True(chain[^1].Transactions.Count > 1, "the last record should hold a signed transaction");
        var (file, ends) = TestBlocks.FileOf(chain);
        var lastStart = ends[^2];
        for (var cut = lastStart + 1; cut < ends[^1]; cut++)
        {
            File.WriteAllBytes(path, file.AsSpan(0, (int)cut));
            using (var store = BlockStore.Open(dir.Path, out var blocks, out var recovery))
            {
                AssertSameBlocks(chain.Take(3).ToList(), blocks);
                Assert.Equal(new StoreRecovery(lastStart, cut - lastStart), recovery);
                Assert.Equal(lastStart, new FileInfo(path).Length);
                store.Append(chain[^1]);
            }

            using var reopened = BlockStore.Open(dir.Path, out var all, out var again);
            AssertSameBlocks(chain, all);
            Assert.False(again.HadTornTail);
            Assert.Equal(ends[^1], new FileInfo(path).Length);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(500)]
    public void Open_ZeroFilledTail_CutsBack(int zeros)
    {
        using var dir = new TempDirectory();
        var path = dir.File(BlockStore.FileName);
        var chain = TestBlocks.Chain(3);
        var (file, ends) = TestBlocks.FileOf(chain);
        File.WriteAllBytes(path, [.. file, .. new byte[zeros]]);

        using var store = BlockStore.Open(dir.Path, out var blocks, out var recovery);
        AssertSameBlocks(chain, blocks);
        Assert.Equal(new StoreRecovery(ends[^1], zeros), recovery);
        Assert.Equal(ends[^1], new FileInfo(path).Length);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(100)]
    [InlineData(-1)]
    public void Open_ByteFlippedInLastRecordChecksumOrPayload_TruncatesLastRecord(int offsetInRecord)
    {
        using var dir = new TempDirectory();
        var path = dir.File(BlockStore.FileName);
        var chain = TestBlocks.Chain(5);
        var (file, ends) = TestBlocks.FileOf(chain);
        var position = offsetInRecord >= 0 ? ends[^2] + offsetInRecord : ends[^1] - 1;
        file[position] ^= 0x01;
        File.WriteAllBytes(path, file);

        using var store = BlockStore.Open(dir.Path, out var blocks, out var recovery);
        AssertSameBlocks(chain.Take(4).ToList(), blocks);
        Assert.Equal(new StoreRecovery(ends[^2], ends[^1] - ends[^2]), recovery);
        Assert.Equal(ends[^2], new FileInfo(path).Length);
    }

    [Fact]
    public void Open_ByteFlippedAnywhereInMiddleRecord_ThrowsNamingFileAndOffsetAndLeavesFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File(BlockStore.FileName);
        var chain = TestBlocks.Chain(5);
        var (file, ends) = TestBlocks.FileOf(chain);
        var middleStart = ends[1];
        for (var position = middleStart; position < ends[2]; position++)
        {
            var damaged = (byte[])file.Clone();
            damaged[position] ^= 0xFF;
            File.WriteAllBytes(path, damaged);

            var ex = Assert.Throws<StoreCorruptException>(() => BlockStore.Open(dir.Path, out _, out _));
            Assert.Equal(path, ex.FilePath);
            Assert.Equal(middleStart, ex.Offset);
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
            Assert.Equal(damaged, File.ReadAllBytes(path));
        }
    }

    [Theory]
    [InlineData(0xFFFF_FFFFu)]
    [InlineData((uint)Block.MaxEncodedSize + 1)]
    [InlineData((uint)Block.MaxEncodedSize)]
    [InlineData(0u)]
    public void Read_OutlandishLengthInLastRecord_TreatedAsTornWithoutAllocatingIt(uint length)
    {
        var chain = TestBlocks.Chain(3);
        var (file, ends) = TestBlocks.FileOf(chain);
        BitConverter.TryWriteBytes(file.AsSpan((int)ends[^2] + 4, 4), length);
        using var stream = new MemoryStream(file);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var blocks = BlockFile.Read(stream, "blocks.dat", out var recovery);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        AssertSameBlocks(chain.Take(2).ToList(), blocks);
        Assert.Equal(new StoreRecovery(ends[^2], ends[^1] - ends[^2]), recovery);
        Assert.True(allocated < 256 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Open_HugeLengthInLastRecord_CutsFileBack()
    {
        using var dir = new TempDirectory();
        var path = dir.File(BlockStore.FileName);
        var chain = TestBlocks.Chain(3);
        var (file, ends) = TestBlocks.FileOf(chain);
        BitConverter.TryWriteBytes(file.AsSpan((int)ends[^2] + 4, 4), 0xFFFF_FFFFu);
        File.WriteAllBytes(path, file);

        using var store = BlockStore.Open(dir.Path, out var blocks, out var recovery);
        Assert.Equal(2, blocks.Count);
        Assert.True(recovery.HadTornTail);
        Assert.Equal(ends[^2], new FileInfo(path).Length);
    }

    [Fact]
    public void Open_ValidChecksumButNotABlockInLastRecord_Throws()
    {
        using var dir = new TempDirectory();
        var path = dir.File(BlockStore.FileName);
        var (file, ends) = TestBlocks.FileOf(TestBlocks.Chain(2));
        // A header and a zero transaction count decode; four trailing bytes make it no block.
        var notABlock = new byte[BlockFile.MinPayloadSize + 4];
        File.WriteAllBytes(path, [.. file, .. RecordFormat.Encode(BlockFile.Magic, notABlock)]);

        var ex = Assert.Throws<StoreCorruptException>(() => BlockStore.Open(dir.Path, out _, out _));
        Assert.Equal(ends[^1], ex.Offset);
        Assert.IsType<FormatException>(ex.InnerException);
    }

    [Fact]
    public void Read_IntactRecordAtPosition_TheBlock()
    {
        using var dir = new TempDirectory();
        var chain = TestBlocks.Chain(3);
        var (file, ends) = TestBlocks.FileOf(chain);
        File.WriteAllBytes(dir.File(BlockStore.FileName), file);
        using var store = BlockStore.OpenFile(dir.Path);

        var read = store.Read(ends[0]);

        Assert.Equal(chain[1].Hash, read.Hash);
        Assert.Equal(chain[1].Encode(), read.Encode());
        Assert.Equal(chain[1].Transactions.Select(t => t.Sender), read.Transactions.Select(t => t.Sender));
    }

    [Theory]
    [InlineData(-1)] // the last byte, a signature's: the payload still decodes
    [InlineData(BlockHeader.Size)] // the transaction count: the payload no longer decodes
    [InlineData(0)] // the header's first byte
    public void Read_ByteFlippedInPayloadAtPosition_DamagedWhetherOrNotItDecodes(int offsetInPayload)
    {
        using var dir = new TempDirectory();
        var (file, ends) = TestBlocks.FileOf(TestBlocks.Chain(3));
        var start = (int)ends[0];
        var end = (int)ends[1];
        file[offsetInPayload < 0 ? end + offsetInPayload : start + BlockFile.HeaderSize + offsetInPayload] ^= 0x40;
        File.WriteAllBytes(dir.File(BlockStore.FileName), file);
        using var store = BlockStore.OpenFile(dir.Path);

        var ex = Assert.Throws<StoreCorruptException>(() => store.Read(start));

        Assert.Equal(start, ex.Offset);
        Assert.Contains("damaged", ex.Message, StringComparison.Ordinal);
        Assert.Equal(TestBlocks.Chain(3)[2].Hash, store.Read(end).Hash);
    }

    [Fact]
    public void Read_ValidChecksumButNotABlockAtPosition_ThrowsWithTheFormatError()
    {
        using var dir = new TempDirectory();
        var (file, ends) = TestBlocks.FileOf(TestBlocks.Chain(2));
        var notABlock = new byte[BlockFile.MinPayloadSize + 4];
        File.WriteAllBytes(dir.File(BlockStore.FileName), [.. file, .. RecordFormat.Encode(BlockFile.Magic, notABlock)]);
        using var store = BlockStore.OpenFile(dir.Path);

        var ex = Assert.Throws<StoreCorruptException>(() => store.Read(ends[^1]));

        Assert.Equal(ends[^1], ex.Offset);
        Assert.IsType<FormatException>(ex.InnerException);
    }

    [Fact]
    public void Open_ForeignFile_ThrowsAndLeavesFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File(BlockStore.FileName);
        var content = "not a chain file\n"u8.ToArray();
        File.WriteAllBytes(path, content);

        var ex = Assert.Throws<StoreCorruptException>(() => BlockStore.Open(dir.Path, out _, out _));
        Assert.Equal(0, ex.Offset);
        Assert.Equal(content, File.ReadAllBytes(path));
    }

    [Fact]
    public void Open_DamagedRecordFollowedByMoreThanOneRecordOfBytes_Throws()
    {
        var (file, ends) = TestBlocks.FileOf(TestBlocks.Chain(2));
        var content = new byte[ends[^1] + BlockFile.MaxRecordSize + 1];
        file.CopyTo(content, 0);
        // Magic right, length implausible, and far more bytes than one torn append could leave.
        BitConverter.TryWriteBytes(content.AsSpan((int)ends[^1]), BlockFile.Magic);
        BitConverter.TryWriteBytes(content.AsSpan((int)ends[^1] + 4), 1u);

        var ex = Assert.Throws<StoreCorruptException>(() => BlockFile.Read(new MemoryStream(content), "blocks.dat", out _));
        Assert.Equal(ends[^1], ex.Offset);
    }

    [Fact]
    public async Task Read_TailFullOfRecordLikeHeaders_ThrowsWithinBoundedWork()
    {
        var (file, ends) = TestBlocks.FileOf(TestBlocks.Chain(2));
        var tail = new byte[BlockFile.MaxRecordSize];
        BitConverter.TryWriteBytes(tail.AsSpan(0), BlockFile.Magic);
        BitConverter.TryWriteBytes(tail.AsSpan(4), 0xFFFF_FFFFu);
        // Every 12 bytes another header whose payload fits, so each one would be hashed without a budget.
        for (var at = RecordFormat.HeaderSize; at + RecordFormat.HeaderSize <= tail.Length / 2; at += RecordFormat.HeaderSize)
        {
            BitConverter.TryWriteBytes(tail.AsSpan(at), BlockFile.Magic);
            BitConverter.TryWriteBytes(tail.AsSpan(at + 4), (uint)(tail.Length / 2));
        }

        byte[] content = [.. file, .. tail];
        var read = Task.Run(() => BlockFile.Read(new MemoryStream(content), "blocks.dat", out _));
        var ex = await Assert.ThrowsAsync<StoreCorruptException>(() => read.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(ends[^1], ex.Offset);
        Assert.Contains("record-like", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_WhileOpen_ThrowsIOException()
    {
        using var dir = new TempDirectory();
        using var store = BlockStore.Open(dir.Path, out _, out _);
        Assert.ThrowsAny<IOException>(() => BlockStore.Open(dir.Path, out _, out _));
    }

    [Fact]
    public async Task Append_FromManyThreads_StoresEveryBlockIntact()
    {
        using var dir = new TempDirectory();
        var chain = TestBlocks.Chain(40);
        using (var store = BlockStore.Open(dir.Path, out _, out _))
        {
            var writers = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
            {
                for (var i = t; i < chain.Count; i += 4)
                {
                    store.Append(chain[i]);
                }
            }));
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        }

        using var reopened = BlockStore.Open(dir.Path, out var blocks, out var recovery);
        Assert.False(recovery.HadTornTail);
        Assert.Equal(chain.Select(b => b.Hash).Order(), blocks.Select(b => b.Hash).Order());
    }

    [Fact]
    public void Append_AfterDispose_ThrowsObjectDisposed()
    {
        using var dir = new TempDirectory();
        var store = BlockStore.Open(dir.Path, out _, out _);
        store.Dispose();
        store.Dispose();
        Assert.Throws<ObjectDisposedException>(() => store.Append(TestBlocks.Chain(1)[0]));
    }

    internal static void AssertSameBlocks(IReadOnlyList<Block> expected, IReadOnlyList<Block> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Hash, actual[i].Hash);
            Assert.Equal(expected[i].Encode(), actual[i].Encode());
        }
    }
}
