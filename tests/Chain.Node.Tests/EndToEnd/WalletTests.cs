using System.Text.RegularExpressions;
using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

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
        var expected = NetworkParameters.Dev.FormatAddress(Address.FromPublicKey(rsa.ExportSubjectPublicKeyInfo()));
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
        var (code, _, error) = await NodeProcess.RunToExitAsync(["--network", "dev", "--port", "0", "--bind", "127.0.0.1", "--data-dir", data, "--import-key", otherKey], workingDirectory: _folder.Path);
        Assert.NotEqual(0, code);
        Assert.Contains("error: --import-key", error, StringComparison.Ordinal);
        Assert.Contains("never replaced", error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(walletFile));

        // The same key again: accepted, so the switch can stay in a start script.
        await using (var same = await NodeProcess.StartAsync("import-same", data, ["--import-key", keyFile]))
        {
            Assert.Equal(expected, await same.AskAsync("address"));
            Assert.Equal(0, await same.QuitAsync());
        }

        Assert.Equal(before, await File.ReadAllBytesAsync(walletFile));

        // Without the switch the node starts on the imported wallet.
        await using var again = await NodeProcess.StartAsync("import-again", data);
        Assert.Equal(expected, await again.AskAsync("address"));
        Assert.Equal(0, await again.QuitAsync());
    }

    [Fact]
    public async Task ImportKey_PublicExponent3_RefusedNamingTheRule_DataFolderNotCreated()
    {
        var keyFile = _folder.Combine("e3.pem");
        await File.WriteAllTextAsync(keyFile, Chain.Core.Tests.TestSupport.TestKeys.PemExponent3);
        var data = _folder.Combine("e3-import");

        var (code, _, error) = await NodeProcess.RunToExitAsync(["--network", "dev", "--port", "0", "--data-dir", data, "--import-key", keyFile], workingDirectory: _folder.Path);

        Assert.NotEqual(0, code);
        Assert.Contains("error: --import-key", error, StringComparison.Ordinal);
        Assert.Contains("public exponent is 3", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data), "a failed import leaves nothing behind");
    }

    [Fact]
    public async Task Passphrase_EmptyOrFromTwoSources_Refused_NothingCreated()
    {
        var data = _folder.Combine("refused");
        var empty = _folder.Combine("empty.txt");
        await File.WriteAllTextAsync(empty, "\nsecond line\n");
        var full = _folder.Combine("full.txt");
        await File.WriteAllTextAsync(full, "a passphrase\n");
        string[] args = ["--network", "dev", "--port", "0", "--data-dir", data];

        var (code, _, error) = await NodeProcess.RunToExitAsync([.. args, "--wallet-passphrase-file", empty], workingDirectory: _folder.Path);
        Assert.NotEqual(0, code);
        Assert.Contains("--wallet-passphrase-file", error, StringComparison.Ordinal);
        Assert.Contains("empty", error, StringComparison.Ordinal);

        (code, _, error) = await NodeProcess.RunToExitAsync(args, new Dictionary<string, string> { ["CHAIN_WALLET_PASSPHRASE"] = string.Empty }, _folder.Path);
        Assert.NotEqual(0, code);
        Assert.Contains("CHAIN_WALLET_PASSPHRASE is set but empty", error, StringComparison.Ordinal);

        (code, _, error) = await NodeProcess.RunToExitAsync([.. args, "--wallet-passphrase-file", full], new Dictionary<string, string> { ["CHAIN_WALLET_PASSPHRASE"] = "other" }, _folder.Path);
        Assert.NotEqual(0, code);
        Assert.Contains("one way only", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data));
    }

    [Fact]
    public async Task WalletCommands_EncryptChangePassphraseExport_EachRestartOpensTheWallet()
    {
        var data = _folder.Combine("commands");
        var first = _folder.Combine("first.txt");
        await File.WriteAllTextAsync(first, "first passphrase\n");
        var second = _folder.Combine("second.txt");
        await File.WriteAllTextAsync(second, "second passphrase\n");
        var backup = _folder.Combine("backup.pem");
        string address;
        await using (var node = await NodeProcess.StartAsync("commands", data))
        {
            address = await node.AskAsync("address");
            Assert.Contains($"Wallet created: address {address}", node.Log, StringComparison.Ordinal);
            Assert.StartsWith("encrypted", await node.AskAsync($"wallet encrypt {first}"), StringComparison.Ordinal);
            Assert.StartsWith("error: ", await node.AskAsync($"wallet encrypt {first}"), StringComparison.Ordinal);
            Assert.StartsWith("error: ", await node.AskAsync($"wallet passphrase {second} {first}"), StringComparison.Ordinal);
            Assert.StartsWith("passphrase changed", await node.AskAsync($"wallet passphrase {first} {second}"), StringComparison.Ordinal);
            // An encrypted wallet's key leaves only with its passphrase.
            Assert.Contains("give the file holding its passphrase", await node.AskAsync($"wallet export {backup}"), StringComparison.Ordinal);
            Assert.StartsWith("error: ", await node.AskAsync($"wallet export {backup} {first}"), StringComparison.Ordinal);
            Assert.False(File.Exists(backup));
            Assert.Equal($"exported {backup}", await node.AskAsync($"wallet export {backup} {second}"));
            Assert.Contains("never replaces a file", await node.AskAsync($"wallet export {backup} {second}"), StringComparison.Ordinal);
            Assert.Contains("folder", await node.AskAsync($"wallet export {_folder.Combine("missing")}/key.pem {second}"), StringComparison.Ordinal);
            await node.WaitForLogAsync(new Regex($"Wallet passphrase changed: address {address}"));
            Assert.Equal(0, await node.QuitAsync());
        }

        Assert.DoesNotContain("PRIVATE KEY", await File.ReadAllTextAsync(Path.Combine(data, "wallet.json")), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup));
        }

        await using (var reopened = await NodeProcess.StartAsync("reopened", data, ["--wallet-passphrase-file", second]))
        {
            Assert.Equal(address, await reopened.AskAsync("address"));
            Assert.Contains("passphrase: first line of --wallet-passphrase-file", reopened.Log, StringComparison.Ordinal);
            Assert.Equal(0, await reopened.QuitAsync());
        }

        // The export restores the wallet elsewhere.
        await using var restored = await NodeProcess.StartAsync("restored", _folder.Combine("restored"), ["--import-key", backup]);
        Assert.Equal(address, await restored.AskAsync("address"));
        Assert.Equal(0, await restored.QuitAsync());
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
