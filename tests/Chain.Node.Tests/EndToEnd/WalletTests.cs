using System.Security.Cryptography;
using Chain.Core.Crypto;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>The wallet a real node keeps: importing a PEM key, and a passphrase that must match at every start.</summary>
public sealed class WalletTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ImportKey_CreatesTheWalletFromThePem_RefusesOnceAWalletExists()
    {
        using var rsa = RSA.Create(2048);
        var keyFile = _folder.Combine("key.pem");
        await File.WriteAllTextAsync(keyFile, rsa.ExportPkcs8PrivateKeyPem());
        var expected = Address.FromPublicKey(rsa.ExportSubjectPublicKeyInfo()).ToString();
        var data = _folder.Combine("imported");

        await using (var node = await NodeProcess.StartAsync("import", data, ["--import-key", keyFile]))
        {
            Assert.Equal(expected, await node.AskAsync("address"));
            var wallet = await node.CommandAsync("wallet");
            Assert.Equal(rsa.ExportSubjectPublicKeyInfoPem().Trim(), string.Join('\n', wallet.Skip(1)));

            // The imported key signs: OpenSSL-free check with the key we generated.
            var signature = Convert.FromBase64String(await node.AskAsync("sign imported"));
            Assert.True(rsa.VerifyData("imported"u8, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
            Assert.Equal(0, await node.QuitAsync());
        }

        var walletFile = Path.Combine(data, "wallet.json");
        var before = await File.ReadAllBytesAsync(walletFile);
        using var other = RSA.Create(2048);
        var otherKey = _folder.Combine("other.pem");
        await File.WriteAllTextAsync(otherKey, other.ExportPkcs8PrivateKeyPem());
        foreach (var key in new[] { otherKey, keyFile })
        {
            var (code, _, error) = await NodeProcess.RunToExitAsync(["--network", "dev", "--port", "0", "--bind", "127.0.0.1", "--data-dir", data, "--import-key", key], workingDirectory: _folder.Path);
            Assert.NotEqual(0, code);
            Assert.Contains("error: --import-key", error, StringComparison.Ordinal);
            Assert.Contains("never replaced", error, StringComparison.Ordinal);
            Assert.Equal(before, await File.ReadAllBytesAsync(walletFile));
        }

        // Without the switch the node starts on the imported wallet.
        await using var again = await NodeProcess.StartAsync("import-again", data);
        Assert.Equal(expected, await again.AskAsync("address"));
        Assert.Equal(0, await again.QuitAsync());
    }

    [Fact]
    public async Task ImportKey_NotAPrivateKey_ExitsNonZeroAndCreatesNoWallet()
    {
        var keyFile = _folder.Combine("not-a-key.pem");
        await File.WriteAllTextAsync(keyFile, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        var data = _folder.Combine("bad-import");
        var (code, _, error) = await NodeProcess.RunToExitAsync(["--network", "dev", "--port", "0", "--data-dir", data, "--import-key", keyFile], workingDirectory: _folder.Path);
        Assert.NotEqual(0, code);
        Assert.Contains("error: ", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(data, "wallet.json")));
    }

    [Fact]
    public async Task Passphrase_WrongOrMissingOnRestart_FailsClearly_WalletUnchanged_RightOneOpensIt()
    {
        var data = _folder.Combine("locked");
        var right = new Dictionary<string, string> { ["CHAIN_WALLET_PASSPHRASE"] = "correct horse battery staple" };
        string address;
        await using (var node = await NodeProcess.StartAsync("locked", data, environment: right))
        {
            address = await node.AskAsync("address");
            Assert.Equal(0, await node.QuitAsync());
        }

        var walletFile = Path.Combine(data, "wallet.json");
        var before = await File.ReadAllBytesAsync(walletFile);
        Assert.DoesNotContain("PRIVATE KEY", await File.ReadAllTextAsync(walletFile), StringComparison.Ordinal);
        string[] args = ["--network", "dev", "--port", "0", "--bind", "127.0.0.1", "--data-dir", data];

        var (code, _, error) = await NodeProcess.RunToExitAsync(args, new Dictionary<string, string> { ["CHAIN_WALLET_PASSPHRASE"] = "wrong" }, _folder.Path);
        Assert.NotEqual(0, code);
        Assert.Contains("wrong passphrase", error, StringComparison.Ordinal);
        Assert.Contains("CHAIN_WALLET_PASSPHRASE", error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(walletFile));

        (code, _, error) = await NodeProcess.RunToExitAsync(args, workingDirectory: _folder.Path);
        Assert.NotEqual(0, code);
        Assert.Contains("passphrase is required", error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(walletFile));

        var wrongFile = _folder.Combine("wrong-passphrase.txt");
        await File.WriteAllTextAsync(wrongFile, "not it\n");
        (code, _, error) = await NodeProcess.RunToExitAsync([.. args, "--wallet-passphrase-file", wrongFile], workingDirectory: _folder.Path);
        Assert.NotEqual(0, code);
        Assert.Contains("--wallet-passphrase-file", error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(walletFile));

        var passphraseFile = _folder.Combine("passphrase.txt");
        await File.WriteAllTextAsync(passphraseFile, right["CHAIN_WALLET_PASSPHRASE"] + "\n");
        await using var reopened = await NodeProcess.StartAsync("reopened", data, ["--wallet-passphrase-file", passphraseFile]);
        Assert.Equal(address, await reopened.AskAsync("address"));
        Assert.Equal(0, await reopened.QuitAsync());
        Assert.Equal(before, await File.ReadAllBytesAsync(walletFile));
    }
}
