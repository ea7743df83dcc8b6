using Chain.Core.Crypto;
using Chain.Core.Tests.TestSupport;
using Chain.Core.Wallets;
using static Chain.Core.Tests.Wallets.WalletTestHelpers;

namespace Chain.Core.Tests.Wallets;

/// <summary>Encrypting a wallet, changing its passphrase and exporting its key: atomic, and never an unopenable wallet.</summary>
public sealed class WalletFileRewriteTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string WalletPath => WalletFile.GetPath(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Rewrite_UnencryptedWallet_EncryptsIt_OpensOnlyWithThePassphrase()
    {
        using var wallet = CreateWallet(_dir.Path, passphrase: null);

        WalletFile.Rewrite(_dir.Path, wallet, current: null, Passphrase, FastKdf);

        Assert.True(wallet.IsEncrypted);
        Assert.DoesNotContain("PRIVATE KEY", File.ReadAllText(WalletPath), StringComparison.Ordinal);
        using var reopened = WalletFile.Load(WalletPath, Passphrase);
        Assert.Equal(wallet.Address, reopened.Address);
        AssertRejected(WalletPath, passphrase: null);
        Assert.Empty(Directory.GetFiles(_dir.Path, ".*"));
    }

    [Fact]
    public void Rewrite_EncryptedWallet_ChangesThePassphrase_OldOneNoLongerOpensIt()
    {
        using var wallet = CreateWallet(_dir.Path, Passphrase);

        WalletFile.Rewrite(_dir.Path, wallet, Passphrase, "new passphrase", FastKdf);

        using var reopened = WalletFile.Load(WalletPath, "new passphrase");
        Assert.Equal(wallet.Address, reopened.Address);
        AssertRejected(WalletPath, Passphrase);
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("wrong", "next")]
    [InlineData(null, "already-encrypted")]
    public void Rewrite_Refused_LeavesTheFileUnchanged(string? current, string next)
    {
        using var wallet = CreateWallet(_dir.Path, Passphrase);
        var before = File.ReadAllBytes(WalletPath);

        var error = Assert.Throws<WalletException>(() => WalletFile.Rewrite(_dir.Path, wallet, current, next, FastKdf));

        Assert.Equal(WalletPath, error.FilePath);
        Assert.Equal(before, File.ReadAllBytes(WalletPath));
        Assert.Empty(Directory.GetFiles(_dir.Path, ".*"));
    }

    [Fact]
    public void Rewrite_FileOfAnotherWallet_RefusedAndUnchanged()
    {
        using var running = CreateWallet(_dir.Path, passphrase: null);
        var other = Path.Combine(_dir.Path, "other");
        CreateWallet(other, passphrase: null, TestKeys.PemB).Dispose();
        File.Copy(WalletFile.GetPath(other), WalletPath, overwrite: true);
        var before = File.ReadAllBytes(WalletPath);

        var error = Assert.Throws<WalletException>(() => WalletFile.Rewrite(_dir.Path, running, current: null, Passphrase, FastKdf));

        Assert.Contains("not the running wallet", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(WalletPath));
    }

    [Fact]
    public void ExportPrivateKey_WritesAnOwnerOnlyPkcs8Pem_ThatImportsToTheSameAddress_NeverOverwrites()
    {
        using var wallet = CreateWallet(_dir.Path, Passphrase);
        var pemPath = Path.Combine(_dir.Path, "backup.pem");

        WalletFile.ExportPrivateKey(wallet, pemPath);

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(pemPath), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(pemPath));
        }

        var restored = Path.Combine(_dir.Path, "restored");
        using (var imported = WalletFile.Import(restored, pemPath, passphrase: null))
        {
            Assert.Equal(wallet.Address, imported.Address);
        }

        var before = File.ReadAllBytes(pemPath);
        var error = Assert.Throws<WalletException>(() => WalletFile.ExportPrivateKey(wallet, pemPath));
        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(pemPath));
    }

    [Fact]
    public void ExportPrivateKey_OpenSslPkeyReadsTheFile()
    {
        if (OpenSslTool.Path is null)
        {
            return;
        }

        using var wallet = CreateWallet(_dir.Path, passphrase: null);
        var pemPath = Path.Combine(_dir.Path, "backup.pem");
        WalletFile.ExportPrivateKey(wallet, pemPath);

        var (code, output, error) = OpenSslTool.Run("pkey", "-in", pemPath, "-pubout");

        Assert.True(code == 0, error);
        Assert.Equal(wallet.PublicKeyPem.Trim(), output.Trim());
        Assert.Equal(wallet.Address, Address.FromPublicKey(wallet.PublicKey.Span));
    }
}
