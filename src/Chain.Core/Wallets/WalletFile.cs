using System.Security.Cryptography;
using System.Text.Json;
using Chain.Core.Crypto;
using Chain.Core.Persistence;

namespace Chain.Core.Wallets;

/// <summary>Creates, loads and imports the node's wallet file, <see cref="FileName"/> in the data folder.</summary>
/// <remarks>
/// <para>The file is UTF-8 JSON, format version 1. Without a passphrase:</para>
/// <code>
/// { "version": 1, "address": "&lt;40 hex&gt;",
///   "publicKey": "-----BEGIN PUBLIC KEY-----\n...",     (SubjectPublicKeyInfo PEM)
///   "privateKey": "-----BEGIN PRIVATE KEY-----\n..." }  (unencrypted PKCS#8 PEM, readable by openssl pkey)
/// </code>
/// <para>With a passphrase, <c>encryptedPrivateKey</c> replaces <c>privateKey</c>:</para>
/// <code>
/// "encryptedPrivateKey": { "kdf": "scrypt", "n": 32768, "r": 8, "p": 1,
///   "salt": "&lt;base64, 16 bytes&gt;", "nonce": "&lt;base64, 12 bytes&gt;",
///   "ciphertext": "&lt;base64: the PKCS#8 DER, AES-256-GCM encrypted&gt;", "tag": "&lt;base64, 16 bytes&gt;" }
/// </code>
/// <para>
/// The AES key is scrypt(UTF-8 of the passphrase exactly as given, not Unicode-normalised, salt, N, r, p, 32 bytes); the associated data
/// is <c>"chain.wallet" | version:u8 | address:20</c>. Parameters are checked against fixed bounds before the
/// KDF runs. Unknown, duplicate or missing members are errors.
/// </para>
/// <para>
/// Passphrase rules: null or empty means "no passphrase" here (the node refuses an empty passphrase before it gets
/// here). An encrypted wallet without a passphrase, and an unencrypted wallet given a passphrase, are both errors:
/// the latter so that nobody believes an unprotected key is protected. <see cref="Encrypt(string, Wallet, string)"/>
/// and <see cref="ChangePassphrase(string, Wallet, string, string)"/> rewrite the file; <see cref="ExportPrivateKey"/>
/// writes the key as PKCS#8 PEM.
/// </para>
/// <para>
/// Every failure is a <see cref="WalletException"/> naming the file. Loading never writes; creating and
/// importing write atomically, owner-only, and never replace an existing file; encrypting and changing the
/// passphrase replace it atomically only after the new content has been decrypted once.
/// </para>
/// </remarks>
public static class WalletFile
{
    /// <summary>Name of the wallet file inside the data folder.</summary>
    public const string FileName = "wallet.json";

    /// <summary>The only format version written and read.</summary>
    public const byte CurrentVersion = 1;

    /// <summary>Largest wallet or key file read, in bytes (a wallet is about 3 KiB).</summary>
    public const int MaxFileSize = 64 * 1024;

    private const string PrivateKeyLabel = "PRIVATE KEY";
    private const string PublicKeyLabel = "PUBLIC KEY";

    private static ReadOnlySpan<byte> PairwiseCheckMessage => "chain.wallet pairwise key check"u8;

    /// <summary>The wallet file's path inside <paramref name="dataDir"/>.</summary>
    public static string GetPath(string dataDir) => Path.Combine(dataDir, FileName);

    /// <summary>
    /// Loads the wallet in <paramref name="dataDir"/>, or creates one with a new RSA-2048 key if none exists
    /// (encrypted when <paramref name="passphrase"/> is given).
    /// </summary>
    public static Wallet LoadOrCreate(string dataDir, string? passphrase) =>
        LoadOrCreate(dataDir, passphrase, ScryptParameters.Default);

    /// <summary>Loads the wallet file at <paramref name="path"/>; never modifies it.</summary>
    public static Wallet Load(string path, string? passphrase)
    {
        ArgumentNullException.ThrowIfNull(path);
        passphrase = NoneIfEmpty(passphrase);
        var document = Parse(path);
        if (document.Version != CurrentVersion)
        {
            throw new WalletException(path, $"unsupported wallet format version {document.Version} (this node reads version {CurrentVersion}).");
        }

        if (!Address.TryParse(document.Address, out var address))
        {
            throw new WalletException(path, "\"address\" is not 40 hexadecimal characters.");
        }

        var publicKey = DecodeSinglePem(document.PublicKey, PublicKeyLabel)
            ?? throw new WalletException(path, "\"publicKey\" is not a single \"PUBLIC KEY\" PEM block.");
        if (Address.FromPublicKey(publicKey) != address)
        {
            throw new WalletException(path, "the address does not match the public key.");
        }

        using var publicRsa = RsaPss.TryImportPublicKey(publicKey)
            ?? throw new WalletException(path, "\"publicKey\" is not an RSA-2048 SubjectPublicKeyInfo.");

        var pkcs8 = ReadPrivateKey(path, document, passphrase, address);
        RSA key;
        try
        {
            key = ImportPrivateKey(path, pkcs8);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }

        if (!key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(publicKey) || !SignsFor(key, publicRsa))
        {
            key.Dispose();
            throw new WalletException(path, "the private key does not match the public key and address.");
        }

        return new Wallet(key, document.EncryptedPrivateKey is not null);
    }

    /// <summary>
    /// Creates the wallet in <paramref name="dataDir"/> from an unencrypted PKCS#8 RSA-2048 private key PEM file
    /// (encrypted when <paramref name="passphrase"/> is given). An existing wallet with the same key is opened; one
    /// with another key is refused and never replaced.
    /// </summary>
    public static Wallet Import(string dataDir, string pemPath, string? passphrase) =>
        Import(dataDir, pemPath, passphrase, ScryptParameters.Default);

    /// <summary><see cref="LoadOrCreate(string, string?)"/> with explicit scrypt costs for a new wallet.</summary>
    internal static Wallet LoadOrCreate(string dataDir, string? passphrase, ScryptParameters kdf)
    {
        ArgumentNullException.ThrowIfNull(dataDir);
        var path = GetPath(dataDir);
        if (File.Exists(path))
        {
            return Load(path, passphrase);
        }

        passphrase = NoneIfEmpty(passphrase);
        var key = RSA.Create(RsaPss.KeySizeBits);
        try
        {
            if (TryCreate(path, key, passphrase, kdf))
            {
                return new Wallet(key, passphrase is not null);
            }
        }
        catch
        {
            key.Dispose();
            throw;
        }

        // Another process created the wallet between the check and the write: use that one.
        key.Dispose();
        return Load(path, passphrase);
    }

    /// <summary><see cref="Import(string, string, string?)"/> with explicit scrypt costs.</summary>
    internal static Wallet Import(string dataDir, string pemPath, string? passphrase, ScryptParameters kdf)
    {
        ArgumentNullException.ThrowIfNull(dataDir);
        var key = ReadImportKey(pemPath);
        try
        {
            return Import(dataDir, pemPath, key, passphrase, kdf);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads and checks an unencrypted PKCS#8 RSA-2048 private key PEM file for import, writing nothing: the key must
    /// pass the sender-key rule (<see cref="RsaPss.SenderKeyProblem"/>) and sign for its own public key.
    /// </summary>
    public static RSA ReadImportKey(string pemPath)
    {
        ArgumentNullException.ThrowIfNull(pemPath);
        var pemBytes = ReadBounded(pemPath);
        var der = DecodeImportPem(pemPath, System.Text.Encoding.UTF8.GetString(pemBytes));
        CryptographicOperations.ZeroMemory(pemBytes);
        RSA key;
        try
        {
            key = ImportPrivateKey(pemPath, der);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }

        try
        {
            // The rule transactions apply: a key it refuses would mine coins that can never be spent.
            if (RsaPss.SenderKeyProblem(key) is { } problem)
            {
                throw new WalletException(pemPath, $"cannot be imported: {problem}.");
            }

            using var publicRsa = RSA.Create();
            publicRsa.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
            if (!SignsFor(key, publicRsa))
            {
                throw new WalletException(pemPath, "the private key is inconsistent (it does not sign for its own public key).");
            }

            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates the wallet in <paramref name="dataDir"/> from <paramref name="key"/> (from <see cref="ReadImportKey"/>),
    /// which the returned wallet then owns. When a wallet already exists it is opened with <paramref name="passphrase"/>:
    /// the same key is accepted (so the switch can stay in a start script), a different one is refused.
    /// </summary>
    public static Wallet Import(string dataDir, string pemPath, RSA key, string? passphrase) =>
        Import(dataDir, pemPath, key, passphrase, ScryptParameters.Default);

    private static Wallet Import(string dataDir, string pemPath, RSA key, string? passphrase, ScryptParameters kdf)
    {
        ArgumentNullException.ThrowIfNull(dataDir);
        ArgumentNullException.ThrowIfNull(key);
        var path = GetPath(dataDir);
        passphrase = NoneIfEmpty(passphrase);
        if (!TryCreate(path, key, passphrase, kdf))
        {
            var existing = Load(path, passphrase);
            if (existing.Address != Address.FromPublicKey(key.ExportSubjectPublicKeyInfo()))
            {
                existing.Dispose();
                throw new WalletException(path, $"holds another key (address {existing.Address}) than {pemPath}; a wallet is never replaced by an import.");
            }

            key.Dispose();
            return existing;
        }

        return new Wallet(key, passphrase is not null);
    }

    /// <summary>
    /// Encrypts the unencrypted wallet file of <paramref name="wallet"/> under <paramref name="passphrase"/>. The new file
    /// is decrypted once before it replaces the old one, atomically, so the wallet can always be opened.
    /// </summary>
    public static void Encrypt(string dataDir, Wallet wallet, string passphrase) =>
        Rewrite(dataDir, wallet, current: null, passphrase, ScryptParameters.Default);

    /// <summary>
    /// Re-encrypts the encrypted wallet file of <paramref name="wallet"/> from <paramref name="current"/> to
    /// <paramref name="next"/>; the current passphrase must open the file. Atomic, and checked as <see cref="Encrypt(string, Wallet, string)"/>.
    /// </summary>
    public static void ChangePassphrase(string dataDir, Wallet wallet, string current, string next) =>
        Rewrite(dataDir, wallet, current, next, ScryptParameters.Default);

    /// <summary><see cref="Encrypt(string, Wallet, string)"/> (null <paramref name="current"/>) and <see cref="ChangePassphrase(string, Wallet, string, string)"/> with explicit scrypt costs.</summary>
    internal static void Rewrite(string dataDir, Wallet wallet, string? current, string next, ScryptParameters kdf)
    {
        ArgumentNullException.ThrowIfNull(dataDir);
        ArgumentNullException.ThrowIfNull(wallet);
        var path = GetPath(dataDir);
        if (string.IsNullOrEmpty(next))
        {
            throw new WalletException(path, "the new passphrase is empty; a wallet is never encrypted under an empty passphrase.");
        }

        if (current is null && Parse(path).EncryptedPrivateKey is not null)
        {
            throw new WalletException(path, "is already encrypted; change its passphrase instead.");
        }

        if (current is not null && Parse(path).EncryptedPrivateKey is null)
        {
            throw new WalletException(path, "is not encrypted; encrypt it instead.");
        }

        // The file on disk must be this wallet's and open with what the user says opens it.
        using (var onDisk = Load(path, current))
        {
            if (onDisk.Address != wallet.Address)
            {
                throw new WalletException(path, $"holds address {onDisk.Address}, not the running wallet's {wallet.Address}; nothing changed.");
            }
        }

        var content = Serialize(wallet.Key, next, kdf);
        try
        {
            // Proven to open before it replaces anything.
            // Named as AtomicFile names its temporary files, so a crash here leaves a file the next start deletes.
            var check = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{FileName}.{Guid.NewGuid():N}.tmp");
            try
            {
                WriteOwnerOnly(check, content);
                using var reopened = Load(check, next);
                if (reopened.Address != wallet.Address)
                {
                    throw new WalletException(path, "the re-encrypted wallet did not open to the same key; nothing changed.");
                }
            }
            finally
            {
                File.Delete(check);
            }

            AtomicFile.Write(path, content);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WalletException(path, $"cannot write the wallet: {e.Message}; the old file is unchanged.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }

        wallet.IsEncrypted = true;
    }

    /// <summary>
    /// Writes <paramref name="wallet"/>'s private key as an unencrypted PKCS#8 PEM (<c>openssl pkey -in</c> reads it;
    /// <c>--import-key</c> takes it back) to a new file <paramref name="pemPath"/>, owner-only, atomically; an existing
    /// file is never replaced.
    /// </summary>
    public static void ExportPrivateKey(Wallet wallet, string pemPath)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        ArgumentException.ThrowIfNullOrEmpty(pemPath);
        if (File.Exists(pemPath) || Directory.Exists(pemPath))
        {
            throw new WalletException(pemPath, "already exists; an export never replaces a file.");
        }

        var pem = System.Text.Encoding.ASCII.GetBytes(wallet.Key.ExportPkcs8PrivateKeyPem() + "\n");
        try
        {
            AtomicFile.Create(pemPath, pem);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WalletException(pemPath, $"cannot write the key: {e.Message}", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pem);
        }
    }

    private static void WriteOwnerOnly(string path, ReadOnlySpan<byte> content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = AtomicFile.OwnerOnly;
        }

        using var stream = new FileStream(path, options);
        stream.Write(content);
    }

    private static string? NoneIfEmpty(string? passphrase) => string.IsNullOrEmpty(passphrase) ? null : passphrase;

    private static byte[] ReadPrivateKey(string path, WalletDocument document, string? passphrase, Address address)
    {
        switch (document.PrivateKey, document.EncryptedPrivateKey)
        {
            case (not null, not null):
                throw new WalletException(path, "both \"privateKey\" and \"encryptedPrivateKey\" are present.");
            case (null, null):
                throw new WalletException(path, "no \"privateKey\" or \"encryptedPrivateKey\".");
            case (string pem, null):
                if (passphrase is not null)
                {
                    throw new WalletException(path, "the wallet is not encrypted, but a passphrase was given; remove the passphrase (the key is stored in the clear).");
                }

                return DecodeSinglePem(pem, PrivateKeyLabel)
                    ?? throw new WalletException(path, "\"privateKey\" is not a single \"PRIVATE KEY\" (PKCS#8) PEM block.");
            case (null, EncryptedPrivateKeyDocument encrypted):
                if (passphrase is null)
                {
                    throw new WalletException(path, "the wallet is encrypted; a passphrase is required.");
                }

                if (PrivateKeyCipher.Validate(encrypted) is { } reason)
                {
                    throw new WalletException(path, $"\"encryptedPrivateKey\": {reason}");
                }

                return PrivateKeyCipher.TryDecrypt(encrypted, passphrase, CurrentVersion, address)
                    ?? throw new WalletException(path, "cannot decrypt the private key: wrong passphrase, or the file was altered.");
        }
    }

    private static WalletDocument Parse(string path)
    {
        var bytes = ReadBounded(path);
        try
        {
            ReadOnlySpan<byte> json = bytes;
            if (json.StartsWith("\uFEFF"u8))
            {
                json = json[3..];
            }

            return JsonSerializer.Deserialize(json, WalletJsonContext.Strict.WalletDocument)
                ?? throw new WalletException(path, "is not a wallet file (the JSON is null).");
        }
        catch (JsonException e)
        {
            throw new WalletException(path, $"is not a valid wallet file: {e.Message}", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static bool TryCreate(string path, RSA key, string? passphrase, ScryptParameters kdf)
    {
        var content = Serialize(key, passphrase, kdf);
        try
        {
            AtomicFile.Create(path, content);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WalletException(path, $"cannot write the wallet: {e.Message}", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    // The whole file, JSON and a final newline; the caller zeroes it.
    private static byte[] Serialize(RSA key, string? passphrase, ScryptParameters kdf)
    {
        var publicKeyPem = key.ExportSubjectPublicKeyInfoPem();
        var address = Address.FromPublicKey(key.ExportSubjectPublicKeyInfo());
        WalletDocument document;
        if (passphrase is null)
        {
            document = new WalletDocument
            {
                Version = CurrentVersion,
                Address = address.ToString(),
                PublicKey = publicKeyPem,
                PrivateKey = key.ExportPkcs8PrivateKeyPem(),
            };
        }
        else
        {
            var pkcs8 = key.ExportPkcs8PrivateKey();
            try
            {
                document = new WalletDocument
                {
                    Version = CurrentVersion,
                    Address = address.ToString(),
                    PublicKey = publicKeyPem,
                    EncryptedPrivateKey = PrivateKeyCipher.Encrypt(pkcs8, passphrase, CurrentVersion, address, kdf),
                };
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(document, WalletJsonContext.Strict.WalletDocument);
        var content = new byte[json.Length + 1];
        json.CopyTo(content, 0);
        content[^1] = (byte)'\n';
        CryptographicOperations.ZeroMemory(json);
        return content;
    }

    // Reads at most MaxFileSize bytes without trusting the reported length (pipes and FIFOs have none).
    private static byte[] ReadBounded(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var buffer = new byte[MaxFileSize + 1];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += read;
            }

            if (total > MaxFileSize)
            {
                throw new WalletException(path, $"is larger than {MaxFileSize} bytes.");
            }

            var content = buffer[..total];
            CryptographicOperations.ZeroMemory(buffer);
            return content;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new WalletException(path, "does not exist.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WalletException(path, $"cannot be read: {e.Message}", e);
        }
    }

    // The whole text (surrounding whitespace aside) must be exactly one PEM block with the given label.
    private static byte[]? DecodeSinglePem(string text, string label)
    {
        var trimmed = text.AsSpan().Trim();
        if (!PemEncoding.TryFind(trimmed, out var fields)
            || fields.Location.GetOffsetAndLength(trimmed.Length) != (0, trimmed.Length)
            || !trimmed[fields.Label].SequenceEqual(label))
        {
            return null;
        }

        return DecodeBase64(trimmed, fields);
    }

    // An imported file may carry text around its one PEM block (openssl adds "Bag Attributes"), not two blocks.
    private static byte[] DecodeImportPem(string pemPath, string text)
    {
        if (!PemEncoding.TryFind(text, out var fields))
        {
            throw new WalletException(pemPath, "contains no PEM block; expected a \"PRIVATE KEY\" (unencrypted PKCS#8) PEM.");
        }

        var label = text.AsSpan()[fields.Label];
        if (label.SequenceEqual("RSA PRIVATE KEY"))
        {
            throw new WalletException(pemPath, "is a PKCS#1 \"RSA PRIVATE KEY\"; convert it with: openssl pkcs8 -topk8 -nocrypt -in <file>.");
        }

        if (label.SequenceEqual("ENCRYPTED PRIVATE KEY"))
        {
            throw new WalletException(pemPath, "is an encrypted PKCS#8 key; decrypt it first with: openssl pkey -in <file>.");
        }

        if (!label.SequenceEqual(PrivateKeyLabel))
        {
            throw new WalletException(pemPath, $"holds a \"{label}\" PEM block; expected a \"PRIVATE KEY\" (unencrypted PKCS#8) PEM.");
        }

        if (PemEncoding.TryFind(text.AsSpan()[fields.Location.End..], out _))
        {
            throw new WalletException(pemPath, "holds more than one PEM block; expected exactly one private key.");
        }

        return DecodeBase64(text, fields)
            ?? throw new WalletException(pemPath, "the PEM block's base64 content is invalid.");
    }

    private static byte[]? DecodeBase64(ReadOnlySpan<char> text, PemFields fields)
    {
        var der = new byte[fields.DecodedDataLength];
        return Convert.TryFromBase64Chars(text[fields.Base64Data], der, out var written) && written == der.Length ? der : null;
    }

    // Accepts exactly one PKCS#8 DER RSA private key of RsaPss.KeySizeBits bits.
    private static RSA ImportPrivateKey(string path, ReadOnlySpan<byte> pkcs8)
    {
        var rsa = RSA.Create();
        string reason;
        try
        {
            rsa.ImportPkcs8PrivateKey(pkcs8, out var read);
            if (read != pkcs8.Length)
            {
                reason = "the private key has trailing bytes after the PKCS#8 structure.";
            }
            else if (rsa.KeySize != RsaPss.KeySizeBits)
            {
                reason = $"the private key is RSA-{rsa.KeySize}; only RSA-{RsaPss.KeySizeBits} is accepted.";
            }
            else
            {
                return rsa;
            }
        }
        catch (CryptographicException e)
        {
            rsa.Dispose();
            throw new WalletException(path, $"the private key is not an RSA-{RsaPss.KeySizeBits} PKCS#8 key ({e.Message}).", e);
        }

        rsa.Dispose();
        throw new WalletException(path, reason);
    }

    // A pairwise consistency test: a signature by the private key verifies with the expected public key.
    private static bool SignsFor(RSA privateKey, RSA publicKey)
    {
        try
        {
            var signature = RsaPss.SignData(privateKey, PairwiseCheckMessage);
            return RsaPss.VerifyData(publicKey, PairwiseCheckMessage, signature);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
