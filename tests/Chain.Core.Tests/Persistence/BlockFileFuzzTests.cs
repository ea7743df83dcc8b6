using Chain.Core.Ledger;
using Chain.Core.Persistence;
using CsCheck;

namespace Chain.Core.Tests.Persistence;

/// <summary>Random and mutated block files yield blocks or <see cref="StoreCorruptException"/>, nothing else, and promptly.</summary>
public sealed class BlockFileFuzzTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    private static readonly Lazy<(byte[] File, long[] Ends)> Valid = new(() => TestBlocks.FileOf(TestBlocks.Chain(6)));

    [Fact]
    public Task Read_RandomBytes_YieldsBlocksOrStoreCorruptException() =>
        Run(Gen.Byte.Array[0, 4096], 2_000);

    [Fact]
    public Task Read_RandomRecordsWithRightMagic_YieldsBlocksOrStoreCorruptException()
    {
        // Header fields drawn from a mix of plausible and hostile values so that the decoder goes past the magic.
        var length = Gen.OneOf(Gen.UInt[0, 400], Gen.UInt, Gen.Const((uint)Block.MaxEncodedSize), Gen.Const(0xFFFF_FFFFu));
        var record = Gen.Select(length, Gen.Byte.Array[0, 400], Gen.Bool, (len, body, goodChecksum) =>
        {
            if (goodChecksum)
            {
                return RecordFormat.Encode(BlockFile.Magic, body);
            }

            var bytes = new byte[RecordFormat.HeaderSize + body.Length];
            BitConverter.TryWriteBytes(bytes.AsSpan(0), BlockFile.Magic);
            BitConverter.TryWriteBytes(bytes.AsSpan(4), len);
            body.CopyTo(bytes, RecordFormat.HeaderSize);
            return bytes;
        });
        var file = record.Array[0, 4].Select(records => records.SelectMany(r => r).ToArray());
        return Run(file, 2_000);
    }

    [Fact]
    public Task Read_MutatedValidFile_YieldsBlocksOrStoreCorruptException()
    {
        var mutated = Gen.Select(Gen.Int[0, 3], Gen.Int[0, int.MaxValue], Gen.Byte.Array[1, 16], (kind, where, bytes) =>
        {
            var file = Valid.Value.File;
            var at = where % file.Length;
            return kind switch
            {
                0 => file[..at],
                1 => [.. file[..at], .. bytes, .. file[at..]],
                2 => Overwrite(file, at, bytes),
                _ => [.. file, .. bytes],
            };
        });
        return Run(mutated, 3_000);
    }

    private static byte[] Overwrite(byte[] file, int at, byte[] bytes)
    {
        var copy = (byte[])file.Clone();
        for (var i = 0; i < bytes.Length && at + i < copy.Length; i++)
        {
            copy[at + i] ^= bytes[i];
        }

        return copy;
    }

    private static Task Run(Gen<byte[]> files, long iterations) =>
        Task.Run(() => files.Sample(ReadOne, iter: iterations)).WaitAsync(Bound);

    private static void ReadOne(byte[] content)
    {
        IReadOnlyList<Block> blocks;
        StoreRecovery recovery;
        try
        {
            blocks = BlockFile.Read(new MemoryStream(content, writable: false), "fuzz.dat", out recovery);
        }
        catch (StoreCorruptException ex)
        {
            Assert.Equal("fuzz.dat", ex.FilePath);
            Assert.InRange(ex.Offset, 0, content.Length);
            return;
        }

        Assert.Equal(content.Length, recovery.ValidLength + recovery.TruncatedBytes);
        // The intact prefix reads back as the same blocks and no tail.
        var again = BlockFile.Read(new MemoryStream(content, 0, (int)recovery.ValidLength), "fuzz.dat", out var clean);
        Assert.Equal(blocks.Count, again.Count);
        Assert.False(clean.HadTornTail);
    }
}
