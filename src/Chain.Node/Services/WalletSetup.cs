using System.Security.Cryptography;
using Chain.Core.Wallets;
using Chain.Node.Configuration;

namespace Chain.Node.Services;

/// <summary>
/// What opening the wallet needs, read and checked before the data folder is touched: the passphrase and where it
/// came from, and the <c>--import-key</c> key, already checked against the sender-key rule. A failure here leaves
/// nothing behind on disk.
/// </summary>
public sealed class WalletSetup : IDisposable
{
    /// <summary>Environment variable holding the wallet passphrase.</summary>
    public const string PassphraseVariable = "CHAIN_WALLET_PASSPHRASE";

    private const string FileSwitch = "--wallet-passphrase-file (Node:WalletPassphraseFile)";

    private WalletSetup(string? passphrase, string source, RSA? importKey, string importKeyPath)
    {
        ImportKeyPath = importKeyPath;
        Passphrase = passphrase;
        Source = source;
        ImportKey = importKey;
    }

    /// <summary>The passphrase, or null for an unencrypted wallet.</summary>
    public string? Passphrase { get; }

    /// <summary>Where the passphrase came from, in words, for logs and errors.</summary>
    public string Source { get; }

    /// <summary>The key to import, or null; handed to the wallet by <see cref="DataFolder.OpenWallet"/>.</summary>
    public RSA? ImportKey { get; private set; }

    /// <summary>
    /// Reads the passphrase (from exactly one of <see cref="PassphraseVariable"/> and <c>--wallet-passphrase-file</c>;
    /// an empty one is refused) and the key to import; throws <see cref="DataFolderException"/> naming the setting.
    /// </summary>
    public static WalletSetup Read(NodeOptions options, Func<string, string?> environment)
    {
        var fromEnvironment = environment(PassphraseVariable);
        string? passphrase = null;
        var source = $"none given; set {PassphraseVariable} or --wallet-passphrase-file";
        if (options.WalletPassphraseFile.Length > 0)
        {
            if (fromEnvironment is not null)
            {
                throw new DataFolderException($"{FileSwitch}: {PassphraseVariable} is set too; give the passphrase one way only");
            }

            if (!PassphraseFile.TryRead(options.WalletPassphraseFile, out var fromFile, out var error))
            {
                throw new DataFolderException($"{FileSwitch}: {error} (give no passphrase to keep the key unencrypted)");
            }

            passphrase = fromFile;
            source = $"first line of {FileSwitch} {options.WalletPassphraseFile}";
        }
        else if (fromEnvironment is not null)
        {
            if (fromEnvironment.Length == 0)
            {
                throw new DataFolderException($"{PassphraseVariable} is set but empty; a wallet is never encrypted under an empty passphrase (unset it to keep the key unencrypted)");
            }

            passphrase = fromEnvironment;
            source = PassphraseVariable;
        }

        RSA? key = null;
        if (options.ImportKey.Length > 0)
        {
            try
            {
                key = WalletFile.ReadImportKey(options.ImportKey);
            }
            catch (WalletException e)
            {
                throw new DataFolderException($"--import-key (Node:ImportKey): {e.Message}", e);
            }
        }

        return new WalletSetup(passphrase, source, key, options.ImportKey);
    }

    /// <summary>The <c>--import-key</c> file, or empty.</summary>
    public string ImportKeyPath { get; }

    /// <summary>Hands the import key over (once); the caller owns it.</summary>
    public RSA? TakeImportKey()
    {
        var key = ImportKey;
        ImportKey = null;
        return key;
    }

    /// <inheritdoc />
    public void Dispose() => ImportKey?.Dispose();
}
