using Chain.Core.Ledger;
using Chain.Core.Persistence;
using Chain.Core.Wallets;
using Chain.Node.Configuration;

namespace Chain.Node.Services;

/// <summary>
/// The node's data folder: <c>network</c> (which network the folder belongs to), <c>wallet.json</c>,
/// <c>node.key</c>, <c>blocks.dat</c> and <c>pending.dat</c>. Opened once at start; a folder of another
/// network is refused rather than mixed.
/// </summary>
public sealed class DataFolder : IDisposable
{
    /// <summary>The marker file naming the folder's network.</summary>
    public const string NetworkFileName = "network";

    private DataFolder(string path, BlockStore blocks, IReadOnlyList<Block> storedBlocks, StoreRecovery recovery)
    {
        Path = path;
        Blocks = blocks;
        StoredBlocks = storedBlocks;
        Recovery = recovery;
        Pending = new PendingTransactionStore(path);
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>The block archive.</summary>
    public BlockStore Blocks { get; }

    /// <summary>The blocks found at start, in file order.</summary>
    public IReadOnlyList<Block> StoredBlocks { get; }

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
            var recorded = File.ReadAllText(marker).Trim();
            if (!string.Equals(recorded, network.Name, StringComparison.Ordinal))
            {
                throw new DataFolderException($"--data-dir (Node:DataDir): {path} holds the '{recorded}' network, not '{network.Name}'; choose another folder or --network {recorded}");
            }
        }
        else
        {
            AtomicFile.Write(marker, System.Text.Encoding.UTF8.GetBytes(network.Name + "\n"));
        }

        BlockStore store;
        IReadOnlyList<Block> blocks;
        StoreRecovery recovery;
        try
        {
            // The store holds blocks.dat exclusively, so a second node on the same folder stops here.
            store = BlockStore.Open(path, out blocks, out recovery);
        }
        catch (IOException e)
        {
            throw new DataFolderException($"--data-dir (Node:DataDir): cannot open {path}: {e.Message}", e);
        }

        // Holding the store's lock, no other node writes here: temporary files are leftovers of a killed write.
        AtomicFile.DeleteLeftovers(path);
        return new DataFolder(path, store, blocks, recovery);
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
    public void Dispose() => Blocks.Dispose();
}
