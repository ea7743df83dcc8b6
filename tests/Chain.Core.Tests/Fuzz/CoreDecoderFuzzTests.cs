using Chain.Core.Ledger;
using Chain.Core.Persistence;
using Chain.Core.Tests.Persistence;
using Chain.Core.Tests.TestSupport;
using Chain.Core.Wallets;
using Chain.Tests.Shared;

namespace Chain.Core.Tests.Fuzz;

/// <summary>
/// Every decoder of outside bytes in Chain.Core, driven with random and mutated inputs: each input gives a
/// value or the decoder's documented exception, never another exception, and allocates in proportion to
/// its size (never a block or frame limit's worth for a few bytes).
/// </summary>
[Trait("Category", Fuzzer.Category)]
public class CoreDecoderFuzzTests
{
    private static readonly Lazy<List<Block>> Blocks = new(() => TestBlocks.Chain(6));

    // Decoded objects (keys, signatures, lists) and file buffers cost a bounded multiple of the input plus a
    // fixed slack, far below the 2 MiB block limit that a careless decoder would allocate up front.
    private static long AllocationBound(int inputLength) => (512 * 1024) + (64L * inputLength);

    [Fact]
    public void TransactionDecode_FuzzedInput_ValueOrFormatException()
    {
        var seeds = Blocks.Value.SelectMany(b => b.Transactions).Select(t => t.Encode()).Distinct().ToList();
        Fuzzer.Run(seeds, input => ExpectValueOr<FormatException>(input, () => Transaction.Decode(input)));
    }

    [Fact]
    public void BlockDecode_FuzzedInput_ValueOrFormatException()
    {
        var seeds = Blocks.Value.Select(b => b.Encode()).ToList();
        Fuzzer.Run(seeds, input => ExpectValueOr<FormatException>(input, () => Block.Decode(input)));
    }

    [Fact]
    public void BlockHeaderDecode_FuzzedInput_ValueOrFormatException()
    {
        var seeds = Blocks.Value.Select(b => b.Header.Encode()).ToList();
        Fuzzer.Run(seeds, input => ExpectValueOr<FormatException>(input, () => BlockHeader.Decode(input)));
    }

    [Fact]
    public void BlockFileRead_FuzzedFile_BlocksOrStoreCorruptException()
    {
        var file = Blocks.Value.SelectMany(BlockFile.EncodeRecord).ToArray();
        Fuzzer.Run([file], input => ExpectValueOr<StoreCorruptException>(input, () =>
        {
            using var stream = new MemoryStream(input, writable: false);
            return BlockFile.Read(stream, "fuzz/blocks.dat", out _);
        }));
    }

    [Fact]
    public void PendingStoreDecode_FuzzedFile_TransactionsOrStoreCorruptException()
    {
        using var folder = new TempDirectory();
        var store = new PendingTransactionStore(folder.Path);
        store.Save(TestBlocks.SignedTransactions.Take(3));
        var seed = File.ReadAllBytes(store.FilePath);

        // The decoder behind Load, fed straight from memory so the long run is not bound by the disk.
        Fuzzer.Run([seed], input => ExpectValueOr<StoreCorruptException>(input, () => PendingTransactionStore.Decode(input, store.FilePath)));
    }

    [Fact]
    public void WalletLoad_FuzzedFile_WalletOrWalletException()
    {
        using var folder = new TempDirectory();
        var seedFolder = Path.Combine(folder.Path, "seed");
        using (WalletFile.LoadOrCreate(seedFolder, passphrase: null))
        {
        }

        var seed = File.ReadAllBytes(WalletFile.GetPath(seedFolder));
        var path = Path.Combine(folder.Path, "fuzzed.json");
        Fuzzer.Run([seed], input =>
        {
            File.WriteAllBytes(path, input);
            ExpectValueOr<WalletException>(input, () =>
            {
                WalletFile.Load(path, passphrase: null).Dispose();
                return path;
            });
        }, iterations: Fuzzer.SlowIterations(300));
    }

    private static void ExpectValueOr<TException>(byte[] input, Func<object> decode)
        where TException : Exception
    {
        object? value = null;
        var allocated = Fuzzer.Allocated(() =>
        {
            try
            {
                value = decode();
            }
            catch (TException)
            {
                value = null;
            }
        });

        Assert.True(allocated <= AllocationBound(input.Length), $"{allocated} bytes allocated for a {input.Length}-byte input");
    }
}
