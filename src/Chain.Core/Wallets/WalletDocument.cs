using System.Text.Json.Serialization;

namespace Chain.Core.Wallets;

/// <summary>The JSON shape of <c>wallet.json</c>; see <see cref="WalletFile"/> for the format.</summary>
internal sealed class WalletDocument
{
    [JsonPropertyName("version")]
    public required int Version { get; init; }

    [JsonPropertyName("address")]
    public required string Address { get; init; }

    [JsonPropertyName("publicKey")]
    public required string PublicKey { get; init; }

    [JsonPropertyName("privateKey")]
    public string? PrivateKey { get; init; }

    [JsonPropertyName("encryptedPrivateKey")]
    public EncryptedPrivateKeyDocument? EncryptedPrivateKey { get; init; }
}
