using Chain.Core.Wallets;
using Chain.Node.Operations.Results;
using Chain.Node.Services;

namespace Chain.Node.Operations;

/// <summary>
/// The wallet file's protection and backup: encrypt, change the passphrase, export the key. Passphrases come from
/// files on the node's host (never as text in a command or a request), and each change is atomic: the new file
/// is proven to open before it replaces the old (<see cref="WalletFile"/>).
/// </summary>
public sealed partial class NodeOperations
{
    /// <summary>Encrypts the unencrypted wallet file under the first line of <paramref name="passphraseFile"/>.</summary>
    public WalletEncrypted EncryptWallet(string passphraseFile)
    {
        var passphrase = ReadPassphrase(passphraseFile);
        var folder = DataDirectory;
        WalletChange(() => WalletFile.Encrypt(folder, wallet, passphrase));
        NodeLog.WalletOpened(_logger, "encrypted", FormatAddress(wallet.Address), $"private key encrypted (passphrase: first line of {passphraseFile}); start the node with it from now on");
        return new WalletEncrypted(WalletFile.GetPath(folder));
    }

    /// <summary>Re-encrypts the encrypted wallet file from the passphrase in <paramref name="currentFile"/> to the one in <paramref name="newFile"/>.</summary>
    public PassphraseChanged ChangePassphrase(string currentFile, string newFile)
    {
        var current = ReadPassphrase(currentFile);
        var next = ReadPassphrase(newFile);
        var folder = DataDirectory;
        WalletChange(() => WalletFile.ChangePassphrase(folder, wallet, current, next));
        NodeLog.WalletOpened(_logger, "passphrase changed", FormatAddress(wallet.Address), $"private key encrypted (passphrase: first line of {newFile}); start the node with it from now on");
        return new PassphraseChanged(WalletFile.GetPath(folder));
    }

    /// <summary>
    /// Writes the private key as unencrypted PKCS#8 PEM to the new owner-only file <paramref name="pemFile"/> on the
    /// node's host. An encrypted wallet's key is exported only with its passphrase (<paramref name="passphraseFile"/>,
    /// checked against the wallet file), so the export gives no one more than the passphrase already does.
    /// </summary>
    public KeyExported ExportKey(string pemFile, string? passphraseFile)
    {
        var folder = DataDirectory;
        // A mistyped path must not grow a tree of folders holding a private key.
        if (Path.GetDirectoryName(Path.GetFullPath(pemFile)) is { } parent && !Directory.Exists(parent))
        {
            throw OperationException.Invalid($"{pemFile}: the folder {parent} does not exist");
        }

        if (wallet.IsEncrypted)
        {
            if (passphraseFile is null)
            {
                throw OperationException.Invalid("the wallet is encrypted: give the file holding its passphrase too (wallet export <pem-file> <passphrase-file>)");
            }

            var passphrase = ReadPassphrase(passphraseFile);
            WalletChange(() => WalletFile.Load(WalletFile.GetPath(folder), passphrase).Dispose());
        }
        else if (passphraseFile is not null)
        {
            throw OperationException.Invalid("the wallet is not encrypted: give no passphrase file");
        }

        WalletChange(() => WalletFile.ExportPrivateKey(wallet, pemFile));
        return new KeyExported(Path.GetFullPath(pemFile));
    }

    private string DataDirectory => Path.GetFullPath(options.Value.ResolvedDataDir);

    private static string ReadPassphrase(string file) =>
        PassphraseFile.TryRead(file, out var passphrase, out var error) ? passphrase : throw OperationException.Invalid(error);

    // A wallet file the user's input cannot change (wrong passphrase, already encrypted, an existing export file)
    // is an expected refusal, said in the wallet's own words.
    private static void WalletChange(Action change)
    {
        try
        {
            change();
        }
        catch (WalletException e)
        {
            throw new OperationException(OperationError.Failed, e.Message);
        }
    }
}
