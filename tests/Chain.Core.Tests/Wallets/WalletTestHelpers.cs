using System.Text.Json.Nodes;
using Chain.Core.Wallets;

namespace Chain.Core.Tests.Wallets;

/// <summary>Cheap scrypt costs, file surgery and the "rejected, file untouched" assertion.</summary>
internal static class WalletTestHelpers
{
    /// <summary>scrypt costs low enough for many tests; the default is exercised separately.</summary>
    public static readonly ScryptParameters FastKdf = new(1 << 10, 8, 1);

    public const string Passphrase = "correct horse battery staple";

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
