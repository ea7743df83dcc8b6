using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Tests.TestSupport;
using Chain.Core.Wallets;
using static Chain.Core.Tests.Wallets.WalletTestHelpers;

namespace Chain.Core.Tests.Wallets;

public sealed class WalletFileImportTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string WalletPath => WalletFile.GetPath(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Import_Pkcs8Pem_GivesSameAddressAndReloads(bool encrypted)
    {
        using var key = TestKeys.Load(TestKeys.PemA);
        var pemPath = _dir.File("key.pem");
        File.WriteAllText(pemPath, TestKeys.PemA);
        var expected = Address.FromPublicKey(key.ExportSubjectPublicKeyInfo());
        var passphrase = encrypted ? Passphrase : null;

        using var imported = WalletFile.Import(_dir.Path, pemPath, passphrase, FastKdf);

        Assert.Equal(expected, imported.Address);
        Assert.Equal(encrypted, imported.IsEncrypted);
        using var loaded = WalletFile.Load(WalletPath, passphrase);
        Assert.Equal(expected, loaded.Address);
        Assert.True(RsaPss.VerifyData(key, "m"u8, loaded.SignData("m"u8)));
    }

    [Fact]
    public void Import_PemWithSurroundingText_Imports()
    {
        using var key = TestKeys.Load(TestKeys.PemB);
        var pemPath = _dir.File("key.pem");
        File.WriteAllText(pemPath, "Bag Attributes\n    friendlyName: node\n" + TestKeys.PemB + "\n\n");

        using var imported = WalletFile.Import(_dir.Path, pemPath, passphrase: null);

        Assert.Equal(Address.FromPublicKey(key.ExportSubjectPublicKeyInfo()), imported.Address);
    }

    [Fact]
    public void Import_OpenSslGeneratedKey_GivesTheAddressOfOpenSslsPublicKey()
    {
        if (OpenSslTool.Path is null)
        {
            return; // openssl not on PATH: nothing to cross-check against.
        }

        var pemPath = _dir.File("openssl-key.pem");
        var generate = OpenSslTool.Run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", pemPath);
        Assert.True(generate.ExitCode == 0, generate.StdErr);
        var derPath = _dir.File("openssl-pub.der");
        var publicKey = OpenSslTool.Run("pkey", "-in", pemPath, "-pubout", "-outform", "DER", "-out", derPath);
        Assert.True(publicKey.ExitCode == 0, publicKey.StdErr);

        using var imported = WalletFile.Import(_dir.Path, pemPath, passphrase: null);

        Assert.Equal(Address.FromPublicKey(File.ReadAllBytes(derPath)), imported.Address);
    }

    [Fact]
    public void Import_WalletExists_ThrowsNamingItAndLeavesItUnchanged()
    {
        CreateWallet(_dir.Path, passphrase: null).Dispose();
        var before = File.ReadAllBytes(WalletPath);
        var pemPath = _dir.File("key.pem");
        File.WriteAllText(pemPath, TestKeys.PemB);

        var error = Assert.Throws<WalletException>(() => WalletFile.Import(_dir.Path, pemPath, passphrase: null));

        Assert.Equal(WalletPath, error.FilePath);
        Assert.StartsWith(WalletPath, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(WalletPath));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Import_WalletExistsWithTheSameKey_OpensIt_FileUnchanged(bool encrypted)
    {
        var passphrase = encrypted ? Passphrase : null;
        CreateWallet(_dir.Path, passphrase).Dispose();
        var before = File.ReadAllBytes(WalletPath);
        var pemPath = _dir.File("key.pem");
        File.WriteAllText(pemPath, TestKeys.PemA);

        using var wallet = WalletFile.Import(_dir.Path, pemPath, passphrase, FastKdf);

        using var key = TestKeys.Load(TestKeys.PemA);
        Assert.Equal(Address.FromPublicKey(key.ExportSubjectPublicKeyInfo()), wallet.Address);
        Assert.Equal(encrypted, wallet.IsEncrypted);
        Assert.Equal(before, File.ReadAllBytes(WalletPath));
    }

    [Fact]
    public void Import_PublicExponent3_RefusedNamingTheRuleAndCreatesNoWallet()
    {
        var pemPath = _dir.File("e3.pem");
        File.WriteAllText(pemPath, TestKeys.PemExponent3);

        var error = Assert.Throws<WalletException>(() => WalletFile.Import(_dir.Path, pemPath, passphrase: null));

        Assert.Equal(pemPath, error.FilePath);
        Assert.Contains("public exponent is 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("65537", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(WalletPath));
    }

    [Theory]
    [InlineData("rsa-1024")]
    [InlineData("rsa-3072")]
    [InlineData("ec-p256")]
    [InlineData("pkcs1")]
    [InlineData("encrypted-pkcs8")]
    [InlineData("public-key")]
    [InlineData("two-keys")]
    [InlineData("no-pem")]
    [InlineData("bad-base64")]
    [InlineData("trailing-der")]
    public void Import_NotOneRsa2048Pkcs8Key_ThrowsNamingThePemFileAndCreatesNoWallet(string kind)
    {
        var pemPath = _dir.File("key.pem");
        File.WriteAllText(pemPath, MakePem(kind));

        var error = Assert.Throws<WalletException>(() => WalletFile.Import(_dir.Path, pemPath, passphrase: null));

        Assert.Equal(pemPath, error.FilePath);
        Assert.StartsWith(pemPath, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(WalletPath));
    }

    [Fact]
    public void Import_MissingPemFile_ThrowsNamingIt()
    {
        var pemPath = _dir.File("absent.pem");

        var error = Assert.Throws<WalletException>(() => WalletFile.Import(_dir.Path, pemPath, passphrase: null));

        Assert.Equal($"{pemPath}: does not exist.", error.Message);
        Assert.False(File.Exists(WalletPath));
    }

    private static string MakePem(string kind)
    {
        switch (kind)
        {
            case "rsa-1024":
            {
                using var rsa = RSA.Create(1024);
                return rsa.ExportPkcs8PrivateKeyPem();
            }

            case "rsa-3072":
            {
                using var rsa = RSA.Create(3072);
                return rsa.ExportPkcs8PrivateKeyPem();
            }

            case "ec-p256":
            {
                using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                return ec.ExportPkcs8PrivateKeyPem();
            }

            case "pkcs1":
            {
                using var rsa = TestKeys.Load(TestKeys.PemA);
                return rsa.ExportRSAPrivateKeyPem();
            }

            case "encrypted-pkcs8":
            {
                using var rsa = TestKeys.Load(TestKeys.PemA);
                return rsa.ExportEncryptedPkcs8PrivateKeyPem("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000));
            }

            case "public-key":
            {
                using var rsa = TestKeys.Load(TestKeys.PemA);
                return rsa.ExportSubjectPublicKeyInfoPem();
            }

            case "two-keys":
                return TestKeys.PemA + "\n" + TestKeys.PemB;

            case "no-pem":
                return "just some text\n";
            case "bad-base64":
                return "-----BEGIN PRIVATE KEY-----\nMIIE$$$$\n-----END PRIVATE KEY-----\n";
            case "trailing-der":
            {
                using var rsa = TestKeys.Load(TestKeys.PemA);
                byte[] der = [.. rsa.ExportPkcs8PrivateKey(), 0x00];
                return PemEncoding.WriteString("PRIVATE KEY", der);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }
}
