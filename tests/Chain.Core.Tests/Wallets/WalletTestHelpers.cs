using System.Text.Json.Nodes;
using Chain.Core.Tests.TestSupport;
using Chain.Core.Wallets;

namespace Chain.Core.Tests.Wallets;

/// <summary>Cheap scrypt costs, file surgery and the "rejected, file untouched" assertion.</summary>
internal static class WalletTestHelpers
{
    /// <summary>scrypt costs low enough for many tests; the default is exercised separately.</summary>
    public static readonly ScryptParameters FastKdf = new(1 << 10, 8, 1);

    public const string Passphrase = "correct horse battery staple";

    /// <summary>Creates the wallet in <paramref name="dataDir"/> from the shared test key (cheap: no key generation).</summary>
    public static Wallet CreateWallet(string dataDir, string? passphrase, string? keyPem = null)
    {
        Directory.CreateDirectory(dataDir);
        var pemPath = Path.Combine(dataDir, "import.pem");
        File.WriteAllText(pemPath, keyPem ?? TestKeys.PemA);
        try
        {
            return WalletFile.Import(dataDir, pemPath, passphrase, FastKdf);
        }
        finally
        {
            File.Delete(pemPath);
        }
    }

    /// <summary>Rewrites the wallet's JSON through <paramref name="edit"/> (bypassing AtomicFile on purpose).</summary>
    public static void EditJson(string path, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    /// <summary>Flips one bit of a base64 member of <c>encryptedPrivateKey</c>.</summary>
    public static void FlipBit(JsonObject wallet, string member, int byteIndex = 0)
    {
        var encrypted = wallet["encryptedPrivateKey"]!.AsObject();
        var bytes = Convert.FromBase64String(encrypted[member]!.GetValue<string>());
        bytes[byteIndex] ^= 0x01;
        encrypted[member] = Convert.ToBase64String(bytes);
    }

    /// <summary>Asserts that loading throws a WalletException naming the file and leaves its bytes unchanged.</summary>
    public static WalletException AssertRejected(string path, string? passphrase)
    {
        var before = File.ReadAllBytes(path);
        var error = Assert.Throws<WalletException>(() => WalletFile.Load(path, passphrase));
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.FilePath);
        Assert.Equal(before, File.ReadAllBytes(path));
        return error;
    }
}
