using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Chain.Core.Crypto;
using Chain.Core.Persistence;
using Chain.Core.Tests.TestSupport;
using Chain.Core.Wallets;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using static Chain.Core.Tests.Wallets.WalletTestHelpers;

namespace Chain.Core.Tests.Wallets;

public sealed class WalletFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string WalletPath => WalletFile.GetPath(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void LoadOrCreate_NoFile_CreatesUnencryptedWalletThatReloadsWithSameKey()
    {
        using var created = WalletFile.LoadOrCreate(_dir.Path, passphrase: null);
        Assert.True(File.Exists(WalletPath));
        Assert.False(created.IsEncrypted);

        using var loaded = WalletFile.Load(WalletPath, passphrase: null);
        Assert.Equal(created.Address, loaded.Address);
        Assert.Equal(created.PublicKey.ToArray(), loaded.PublicKey.ToArray());
        Assert.Equal(Address.FromPublicKey(loaded.PublicKey.Span), loaded.Address);

        var signature = loaded.SignData("hello"u8);
        using var verifier = RsaPss.TryImportPublicKey(created.PublicKey.Span);
        Assert.NotNull(verifier);
        Assert.True(RsaPss.VerifyData(verifier, "hello"u8, signature));
    }

    [Fact]
    public void LoadOrCreate_NoFile_WritesDocumentedJsonShape()
    {
        using var wallet = WalletFile.LoadOrCreate(_dir.Path, passphrase: null);
        var text = File.ReadAllText(WalletPath);
        var json = JsonNode.Parse(text)!.AsObject();

        Assert.Equal(1, json["version"]!.GetValue<int>());
        Assert.Equal(wallet.Address.ToString(), json["address"]!.GetValue<string>());
        Assert.Equal(wallet.PublicKeyPem, json["publicKey"]!.GetValue<string>());
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", wallet.PublicKeyPem, StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", json["privateKey"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(json["encryptedPrivateKey"]);
        Assert.DoesNotContain("\\u002B", text, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOrCreate_WithPassphrase_CreatesEncryptedWalletThatReloads()
    {
        using var created = WalletFile.LoadOrCreate(_dir.Path, Passphrase, FastKdf);
        Assert.True(created.IsEncrypted);
        var text = File.ReadAllText(WalletPath);
        Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
        var encrypted = JsonNode.Parse(text)!["encryptedPrivateKey"]!.AsObject();
        Assert.Equal("scrypt", encrypted["kdf"]!.GetValue<string>());
        Assert.Equal(16, Convert.FromBase64String(encrypted["salt"]!.GetValue<string>()).Length);
        Assert.Equal(12, Convert.FromBase64String(encrypted["nonce"]!.GetValue<string>()).Length);
        Assert.Equal(16, Convert.FromBase64String(encrypted["tag"]!.GetValue<string>()).Length);

        using var loaded = WalletFile.Load(WalletPath, Passphrase);
        Assert.True(loaded.IsEncrypted);
        Assert.Equal(created.Address, loaded.Address);
        using var verifier = RsaPss.TryImportPublicKey(created.PublicKey.Span);
        Assert.True(RsaPss.VerifyData(verifier!, "x"u8, loaded.SignData("x"u8)));
    }

    [Fact]
    public void LoadOrCreate_DefaultScrypt_RecordsDefaultParametersAndReloads()
    {
        using var created = WalletFile.LoadOrCreate(_dir.Path, Passphrase);
        var encrypted = JsonNode.Parse(File.ReadAllText(WalletPath))!["encryptedPrivateKey"]!;
        Assert.Equal(1 << 15, encrypted["n"]!.GetValue<int>());
        Assert.Equal(8, encrypted["r"]!.GetValue<int>());
        Assert.Equal(1, encrypted["p"]!.GetValue<int>());

        using var loaded = WalletFile.LoadOrCreate(_dir.Path, Passphrase);
        Assert.Equal(created.Address, loaded.Address);
    }

    [Fact]
    public void LoadOrCreate_SamePassphraseTwice_UsesFreshSaltAndNonce()
    {
        using var other = new TempDirectory();
        using var first = WalletFile.LoadOrCreate(_dir.Path, Passphrase, FastKdf);
        using var second = WalletFile.LoadOrCreate(other.Path, Passphrase, FastKdf);
        var a = JsonNode.Parse(File.ReadAllText(WalletPath))!["encryptedPrivateKey"]!;
        var b = JsonNode.Parse(File.ReadAllText(WalletFile.GetPath(other.Path)))!["encryptedPrivateKey"]!;
        Assert.NotEqual(a["salt"]!.GetValue<string>(), b["salt"]!.GetValue<string>());
        Assert.NotEqual(a["nonce"]!.GetValue<string>(), b["nonce"]!.GetValue<string>());
        Assert.NotEqual(first.Address, second.Address);
    }

    [Fact]
    public void LoadOrCreate_ExistingWallet_LoadsItAndNeverOverwrites()
    {
        Address address;
        using (var created = CreateWallet(_dir.Path, passphrase: null))
        {
            address = created.Address;
        }

        var before = File.ReadAllBytes(WalletPath);
        using (var again = WalletFile.LoadOrCreate(_dir.Path, passphrase: null))
        {
            Assert.Equal(address, again.Address);
        }

        Assert.Equal(before, File.ReadAllBytes(WalletPath));
        Assert.Equal([WalletPath], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void LoadOrCreate_DamagedExistingWallet_ThrowsAndNeverReplacesIt()
    {
        File.WriteAllText(WalletPath, "{ not json");
        var before = File.ReadAllBytes(WalletPath);

        var error = Assert.Throws<WalletException>(() => WalletFile.LoadOrCreate(_dir.Path, passphrase: null));

        Assert.Contains(WalletPath, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(WalletPath));
    }

    [Fact]
    public void LoadOrCreate_EncryptedWalletWithWrongPassphrase_ThrowsAndNeverReplacesIt()
    {
        CreateWallet(_dir.Path, Passphrase).Dispose();
        var before = File.ReadAllBytes(WalletPath);

        Assert.Throws<WalletException>(() => WalletFile.LoadOrCreate(_dir.Path, "wrong", FastKdf));

        Assert.Equal(before, File.ReadAllBytes(WalletPath));
    }

    [Fact]
    public void LoadOrCreate_MissingDataFolder_CreatesIt()
    {
        var nested = Path.Combine(_dir.Path, "a", "b");
        using var wallet = WalletFile.LoadOrCreate(nested, passphrase: null);
        Assert.True(File.Exists(Path.Combine(nested, WalletFile.FileName)));
    }

    [Fact]
    public void LoadOrCreate_OnUnix_FileIsOwnerReadWriteOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        WalletFile.LoadOrCreate(_dir.Path, passphrase: null).Dispose();

        Assert.Equal(AtomicFile.OwnerOnly, File.GetUnixFileMode(WalletPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(WalletPath));
    }

    [Fact]
    public void Load_WrongPassphrase_ThrowsNamingFileAndLeavesItUnchanged()
    {
        CreateWallet(_dir.Path, Passphrase).Dispose();

        var error = AssertRejected(WalletPath, "not the passphrase");

        Assert.Contains("passphrase", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Load_EncryptedWithoutPassphrase_Throws(string? passphrase)
    {
        CreateWallet(_dir.Path, Passphrase).Dispose();

        var error = AssertRejected(WalletPath, passphrase);

        Assert.Contains("passphrase is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnencryptedWithPassphrase_ThrowsRatherThanPretendingItIsProtected()
    {
        CreateWallet(_dir.Path, passphrase: null).Dispose();

        var error = AssertRejected(WalletPath, Passphrase);

        Assert.Contains("not encrypted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyPassphraseOnUnencryptedWallet_LoadsAsNoPassphrase()
    {
        using var created = CreateWallet(_dir.Path, "");
        Assert.False(created.IsEncrypted);

        using var loaded = WalletFile.Load(WalletPath, "");
        Assert.Equal(created.Address, loaded.Address);
    }

    [Fact]
    public void Load_PassphraseInOtherUnicodeNormalForm_IsADifferentPassphrase()
    {
        // The passphrase's exact UTF-8 bytes are used: normalisation depends on ICU, which the node runs without.
        CreateWallet(_dir.Path, "caf\u00e9").Dispose();

        AssertRejected(WalletPath, "cafe\u0301");
        using var loaded = WalletFile.Load(WalletPath, "caf\u00e9");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_TruncatedFile_ThrowsAndLeavesItUnchanged(bool encrypted)
    {
        CreateWallet(_dir.Path, encrypted ? Passphrase : null).Dispose();
        var full = File.ReadAllBytes(WalletPath);
        var content = full.AsSpan().TrimEnd("\n"u8).Length;

        for (var length = 0; length < content; length += 37)
        {
            File.WriteAllBytes(WalletPath, full[..length]);
            AssertRejected(WalletPath, encrypted ? Passphrase : null);
        }

        File.WriteAllBytes(WalletPath, full[..(content - 1)]);
        AssertRejected(WalletPath, encrypted ? Passphrase : null);
    }

    [Theory]
    [InlineData("ciphertext", 0)]
    [InlineData("ciphertext", 700)]
    [InlineData("tag", 15)]
    [InlineData("nonce", 3)]
    [InlineData("salt", 9)]
    public void Load_AlteredEncryptedField_Throws(string member, int byteIndex)
    {
        CreateWallet(_dir.Path, Passphrase).Dispose();
        EditJson(WalletPath, json => FlipBit(json, member, byteIndex));

        var error = AssertRejected(WalletPath, Passphrase);

        Assert.Contains("cannot decrypt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AlteredScryptCostWithinBounds_Throws()
    {
        CreateWallet(_dir.Path, Passphrase).Dispose();
        EditJson(WalletPath, json => json["encryptedPrivateKey"]!["n"] = 2048);

        AssertRejected(WalletPath, Passphrase);
    }

    [Fact]
    public void Load_TruncatedCiphertext_Throws()
    {
        CreateWallet(_dir.Path, Passphrase).Dispose();
        EditJson(WalletPath, json =>
        {
            var encrypted = json["encryptedPrivateKey"]!;
            var bytes = Convert.FromBase64String(encrypted["ciphertext"]!.GetValue<string>());
            encrypted["ciphertext"] = Convert.ToBase64String(bytes[..^1]);
        });

        AssertRejected(WalletPath, Passphrase);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_AlteredAddress_Throws(bool encrypted)
    {
        CreateWallet(_dir.Path, encrypted ? Passphrase : null).Dispose();
        EditJson(WalletPath, json =>
        {
            var address = json["address"]!.GetValue<string>();
            json["address"] = (address[0] == '0' ? "1" : "0") + address[1..];
        });

        var error = AssertRejected(WalletPath, encrypted ? Passphrase : null);

        Assert.Contains("address does not match", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_PublicKeyAndAddressOfAnotherKey_Throws(bool encrypted)
    {
        // A consistent (address, public key) pair from another key: only the private key can tell.
        CreateWallet(_dir.Path, encrypted ? Passphrase : null).Dispose();
        using var other = TestKeys.Load(TestKeys.PemB);
        EditJson(WalletPath, json =>
        {
            json["publicKey"] = other.ExportSubjectPublicKeyInfoPem();
            json["address"] = Address.FromPublicKey(other.ExportSubjectPublicKeyInfo()).ToString();
        });

        AssertRejected(WalletPath, encrypted ? Passphrase : null);
    }

    [Fact]
    public void Load_PublicKeyOfAnotherKeyWithOriginalAddress_Throws()
    {
        CreateWallet(_dir.Path, passphrase: null).Dispose();
        using var other = TestKeys.Load(TestKeys.PemB);
        EditJson(WalletPath, json => json["publicKey"] = other.ExportSubjectPublicKeyInfoPem());

        AssertRejected(WalletPath, passphrase: null);
    }

    [Fact]
    public void Load_PrivateKeyOfAnotherKey_Throws()
    {
        CreateWallet(_dir.Path, passphrase: null).Dispose();
        using var other = TestKeys.Load(TestKeys.PemB);
        EditJson(WalletPath, json => json["privateKey"] = other.ExportPkcs8PrivateKeyPem());

        var error = AssertRejected(WalletPath, passphrase: null);

        Assert.Contains("does not match", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InconsistentPrivateKey_Throws()
    {
        // Same modulus and public exponent (so the public halves agree) but a corrupted private exponent,
        // encoded by BouncyCastle because the platform refuses to build such a key.
        CreateWallet(_dir.Path, passphrase: null).Dispose();
        EditJson(WalletPath, json =>
        {
            var pem = json["privateKey"]!.GetValue<string>();
            var fields = PemEncoding.Find(pem);
            var key = (RsaPrivateCrtKeyParameters)PrivateKeyFactory.CreateKey(Convert.FromBase64String(pem[fields.Base64Data]));
            var damaged = new RsaPrivateCrtKeyParameters(
                key.Modulus, key.PublicExponent, key.Exponent.FlipBit(1), key.P, key.Q, key.DP, key.DQ, key.QInv);
            var der = PrivateKeyInfoFactory.CreatePrivateKeyInfo(damaged).GetDerEncoded();
            json["privateKey"] = PemEncoding.WriteString("PRIVATE KEY", der);
        });

        AssertRejected(WalletPath, passphrase: null);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"wallet\"")]
    [InlineData("{}")]
    [InlineData("{\"version\":1}")]
    [InlineData("not json at all")]
    public void Load_InvalidJson_Throws(string content)
    {
        File.WriteAllText(WalletPath, content);

        AssertRejected(WalletPath, passphrase: null);
    }

    [Fact]
    public void Load_BinaryGarbage_Throws()
    {
        File.WriteAllBytes(WalletPath, RandomNumberGenerator.GetBytes(3000));

        AssertRejected(WalletPath, passphrase: null);
    }

    [Theory]
    [InlineData("unknown member")]
    [InlineData("duplicate member")]
    [InlineData("version 2")]
    [InlineData("version as string")]
    [InlineData("both private keys")]
    [InlineData("no private key")]
    [InlineData("null public key")]
    [InlineData("address not hex")]
    [InlineData("public key not PEM")]
    [InlineData("private key not PEM")]
    [InlineData("private key is an RSA PRIVATE KEY")]
    [InlineData("two PEM blocks in privateKey")]
    public void Load_StructurallyWrongWallet_Throws(string damage)
    {
        CreateWallet(_dir.Path, passphrase: null).Dispose();
        if (damage == "duplicate member")
        {
            var text = File.ReadAllText(WalletPath);
            File.WriteAllText(WalletPath, text.Replace("\"version\": 1,", "\"version\": 1, \"version\": 1,", StringComparison.Ordinal));
            Assert.NotEqual(text, File.ReadAllText(WalletPath));
        }
        else
        {
            EditJson(WalletPath, json =>
            {
                var privateKey = json["privateKey"]!.GetValue<string>();
                switch (damage)
                {
                    case "unknown member": json["comment"] = "hi"; break;
                    case "version 2": json["version"] = 2; break;
                    case "version as string": json["version"] = "1"; break;
                    case "both private keys": json["encryptedPrivateKey"] = new JsonObject { ["kdf"] = "scrypt" }; break;
                    case "no private key": json.Remove("privateKey"); break;
                    case "null public key": json["publicKey"] = null; break;
                    case "address not hex": json["address"] = new string('z', 40); break;
                    case "public key not PEM": json["publicKey"] = "MIIBIjANBg"; break;
                    case "private key not PEM": json["privateKey"] = privateKey.Replace("-----BEGIN", "BEGIN", StringComparison.Ordinal); break;
                    case "private key is an RSA PRIVATE KEY": json["privateKey"] = privateKey.Replace("PRIVATE KEY", "RSA PRIVATE KEY", StringComparison.Ordinal); break;
                    case "two PEM blocks in privateKey": json["privateKey"] = privateKey + privateKey; break;
                    default: throw new ArgumentOutOfRangeException(nameof(damage));
                }
            });
        }

        AssertRejected(WalletPath, passphrase: null);
    }

    [Theory]
    [InlineData(1 << 30, 8, 1)]
    [InlineData(1 << 20, 8, 1)]
    [InlineData(1 << 15, 1 << 20, 1)]
    [InlineData(1 << 15, 8, 1_000_000)]
    [InlineData(1 << 15, 8, 64)]
    [InlineData(int.MaxValue, int.MaxValue, int.MaxValue)]
    [InlineData(1000, 8, 1)]
    [InlineData(1, 8, 1)]
    [InlineData(0, 8, 1)]
    [InlineData(-32768, 8, 1)]
    [InlineData(1 << 15, 0, 1)]
    [InlineData(1 << 15, 8, 0)]
    [InlineData(1 << 15, -8, -1)]
    public void Load_AbsurdScryptParameters_ThrowsBeforeRunningTheKdf(int n, int r, int p)
    {
        CreateWallet(_dir.Path, Passphrase).Dispose();
        EditJson(WalletPath, json =>
        {
            var encrypted = json["encryptedPrivateKey"]!;
            encrypted["n"] = n;
            encrypted["r"] = r;
            encrypted["p"] = p;
        });

        var error = AssertRejected(WalletPath, Passphrase);

        Assert.Contains("scrypt parameters", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kdf")]
    [InlineData("salt")]
    [InlineData("nonce")]
    [InlineData("tag")]
    [InlineData("ciphertext")]
    [InlineData("n as huge number")]
    [InlineData("salt not base64")]
    public void Load_MalformedEncryptedPrivateKey_Throws(string member)
    {
        CreateWallet(_dir.Path, Passphrase).Dispose();
        EditJson(WalletPath, json =>
        {
            var encrypted = json["encryptedPrivateKey"]!.AsObject();
            switch (member)
            {
                case "kdf": encrypted["kdf"] = "argon2id"; break;
                case "salt": encrypted["salt"] = Convert.ToBase64String(new byte[8]); break;
                case "nonce": encrypted["nonce"] = Convert.ToBase64String(new byte[16]); break;
                case "tag": encrypted["tag"] = Convert.ToBase64String(new byte[12]); break;
                case "ciphertext": encrypted["ciphertext"] = Convert.ToBase64String(new byte[5000]); break;
                case "n as huge number": encrypted["n"] = 1L << 40; break;
                case "salt not base64": encrypted["salt"] = "***"; break;
                default: throw new ArgumentOutOfRangeException(nameof(member));
            }
        });

        AssertRejected(WalletPath, Passphrase);
    }

    [Fact]
    public void Load_MissingFile_ThrowsNamingIt()
    {
        var error = Assert.Throws<WalletException>(() => WalletFile.Load(WalletPath, passphrase: null));

        Assert.Equal($"{WalletPath}: does not exist.", error.Message);
        Assert.False(File.Exists(WalletPath));
    }

    [Fact]
    public void Load_OversizedFile_Throws()
    {
        File.WriteAllText(WalletPath, "{\"version\":1" + new string(' ', WalletFile.MaxFileSize) + "}");

        var error = AssertRejected(WalletPath, passphrase: null);

        Assert.Contains("larger than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileWithByteOrderMark_Loads()
    {
        using var created = CreateWallet(_dir.Path, passphrase: null);
        File.WriteAllBytes(WalletPath, [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(WalletPath)]);

        using var loaded = WalletFile.Load(WalletPath, passphrase: null);

        Assert.Equal(created.Address, loaded.Address);
    }
}
