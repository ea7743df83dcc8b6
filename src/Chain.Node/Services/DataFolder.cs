using Chain.Core.Ledger;
using Chain.Core.Persistence;
using Chain.Core.Wallets;
using Chain.Node.Configuration;

namespace Chain.Node.Services;

/// <summary>
/// The node's data folder: <c>network</c> (which network the folder belongs to: its name, then its genesis hash), <c>wallet.json</c>,
/// <c>node.key</c>, <c>blocks.dat</c>, <c>chainstate/</c> and <c>pending.dat</c>. Opened once at start; a folder of
/// another network is refused rather than mixed.
/// </summary>
public sealed class DataFolder : IDisposable
{
    /// <summary>The marker file naming the folder's network.</summary>
    public const string NetworkFileName = "network";

    private DataFolder(string path, BlockStore blocks, ChainStateStore state, string? stateBuild, IReadOnlyList<StoredBlock> unindexed, StoreRecovery recovery)
    {
        Path = path;
        Blocks = blocks;
        State = state;
        StateBuild = stateBuild;
        UnindexedBlocks = unindexed;
        Recovery = recovery;
        Pending = new PendingTransactionStore(path);
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>The block archive.</summary>
    public BlockStore Blocks { get; }

    /// <summary>The chain state store (<c>chainstate/</c>).</summary>
    public ChainStateStore State { get; }

    /// <summary>Why the chain state is built from blocks.dat at this start (it was empty), or null when it was kept.</summary>
    public string? StateBuild { get; }

    /// <summary>The blocks of blocks.dat the chain state does not know yet, in file order (all of them when it is built).</summary>
    public IReadOnlyList<StoredBlock> UnindexedBlocks { get; }

    /// <summary>What recovery did to a torn last record.</summary>
    public StoreRecovery Recovery { get; }

    /// <summary>The node's own pending transactions.</summary>
    public PendingTransactionStore Pending { get; }

    /// <summary>Opens (creating if needed) the folder for <paramref name="network"/>; throws <see cref="DataFolderException"/> on a mismatch.</summary>
    public static DataFolder Open(NodeOptions options, NetworkParameters network)
    {
        var path = System.IO.Path.GetFullPath(options.ResolvedDataDir);
        Directory.CreateDirectory(path);
        var marker = System.IO.Path.Combine(path, NetworkFileName);
        if (File.Exists(marker))
        {
            var lines = File.ReadAllLines(marker);
            var recorded = lines.Length > 0 ? lines[0].Trim() : string.Empty;
            if (!string.Equals(recorded, network.Name, StringComparison.Ordinal))
            {
                throw new DataFolderException($"--data-dir (Node:DataDir): {path} holds the '{recorded}' network, not '{network.Name}'; choose another folder or --network {recorded}");
            }

            // A folder written before the genesis line was added names its network only; the chain state store checks the genesis then.
            if (lines.Length > 1 && lines[1].Trim() is { Length: > 0 } genesis && genesis != network.GenesisHash.ToString())
            {
                throw new DataFolderException($"--data-dir (Node:DataDir): {path} holds a '{recorded}' network with genesis {genesis}, not the genesis {network.GenesisHash} of the one --network gives (a chain spec changed, e.g. an allocation, is another network); choose another folder or the spec this folder was made with");
            }
        }
        else
        {
            AtomicFile.Write(marker, System.Text.Encoding.UTF8.GetBytes($"{network.Name}\n{network.GenesisHash}\n"));
        }

        BlockStore store;
        try
        {
            // The store holds blocks.dat exclusively, so a second node on the same folder stops here.
            store = BlockStore.OpenFile(path);
        }
        catch (IOException e)
        {
            throw new DataFolderException($"--data-dir (Node:DataDir): cannot open {path}: {e.Message}", e);
        }

        ChainStateStore? state = null;
        try
        {
            var statePath = System.IO.Path.Combine(path, ChainStateStore.FolderName);
            var existed = Directory.Exists(statePath);
            if (options.Reindex && existed)
            {
                Directory.Delete(statePath, recursive: true);
            }

            state = new ChainStateStore(RocksDbKeyValueStore.Open(statePath));
            string? build = null;
            long start = 0;
            if (state.ReadMeta() is not { } meta)
            {
                build = options.Reindex ? "--reindex" : existed ? "the chain state store was empty" : store.FileLength > 0 ? "blocks.dat has no chain state store yet" : "new data folder";
            }
            else
            {
                start = CheckedExtent(state, meta, store, network);
            }

            var unindexed = store.Recover(start, out var recovery);

            // Holding the store's lock, no other node writes here: temporary files are leftovers of a killed write.
            AtomicFile.DeleteLeftovers(path);
            return new DataFolder(path, store, state, build, unindexed, recovery);
        }
        catch (Exception e)
        {
            state?.Dispose();
            store.Dispose();
            if (e is IOException && e is not StoreCorruptException)
            {
                throw new DataFolderException($"--data-dir (Node:DataDir): cannot open {path}: {e.Message}", e);
            }

            throw;
        }
    }

    // Where in blocks.dat the chain state's knowledge ends, after cheap checks that the store belongs here: its network
    // and format, and the file holds the last record it names, ending where it says. Anything else is refused, naming
    // --reindex, and nothing is changed (a torn tail is cut only from the records after that end).
    private static long CheckedExtent(ChainStateStore state, (byte Version, uint Magic, Core.Crypto.Hash256 Genesis) meta, BlockStore store, NetworkParameters network)
    {
        var folder = System.IO.Path.GetDirectoryName(store.FilePath);
        if (meta.Version != ChainStateStore.FormatVersion || meta.Magic != network.Magic || meta.Genesis != network.Genesis.Hash)
        {
            throw new DataFolderException(
                $"{folder}: {ChainStateStore.FolderName} is of format {meta.Version} for network 0x{meta.Magic:x8}, not format {ChainStateStore.FormatVersion} of {network.Name}; start with --reindex to rebuild it from blocks.dat");
        }

        var (last, end) = state.ReadFileExtent();
        if (end > store.FileLength)
        {
            throw new DataFolderException(
                $"{folder}: {ChainStateStore.FolderName} knows {end} bytes of blocks.dat, which holds {store.FileLength}: the file was cut or replaced; start with --reindex to rebuild the chain state from it");
        }

        if (last >= 0)
        {
            try
            {
                var block = store.Read(last);
                if (last + BlockFile.HeaderSize + block.EncodedSize != end)
                {
                    throw new StoreCorruptException(store.FilePath, last, "the record does not end where the chain state says.");
                }
            }
            catch (StoreCorruptException e)
            {
                throw new DataFolderException(
                    $"{folder}: blocks.dat does not hold the last block {ChainStateStore.FolderName} names ({e.Message}); start with --reindex to rebuild the chain state from it", e);
            }
        }

        return end;
    }

    /// <summary>
    /// Loads the wallet, creating it (or importing <c>--import-key</c>) when the folder has none; an existing wallet is
    /// accepted with the same imported key and refused with another. Says what it did in <paramref name="outcome"/>.
    /// </summary>
    public Wallet OpenWallet(WalletSetup setup, out string outcome)
    {
        var exists = File.Exists(WalletFile.GetPath(Path));
        try
        {
            if (setup.TakeImportKey() is { } key)
            {
                var wallet = WalletFile.Import(Path, setup.ImportKeyPath, key, setup.Passphrase);
                outcome = exists ? "opened (the imported key is already this wallet's)" : "imported";
                return wallet;
            }

            outcome = exists ? "opened" : "created";
            return WalletFile.LoadOrCreate(Path, setup.Passphrase);
        }
        catch (WalletException e) when (e.Message.Contains("passphrase", StringComparison.OrdinalIgnoreCase))
        {
            // Say where the passphrase came from, so the user knows which setting to correct.
            throw new DataFolderException($"{e.Message} (passphrase: {setup.Source})", e);
        }
        catch (WalletException e) when (e.Message.Contains("another key", StringComparison.Ordinal))
        {
            throw new DataFolderException($"--import-key (Node:ImportKey): {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        State.Dispose();
        Blocks.Dispose();
    }
}
