using System.Text.Json.Serialization;

namespace Chain.Core.Wallets;

/// <summary>The JSON shape of a passphrase-encrypted private key; byte fields are base64.</summary>
internal sealed class EncryptedPrivateKeyDocument
{
    [JsonPropertyName("kdf")]
    public required string Kdf { get; init; }

    [JsonPropertyName("n")]
    public required int N { get; init; }

    [JsonPropertyName("r")]
    public required int R { get; init; }

    [JsonPropertyName("p")]
    public required int P { get; init; }

    [JsonPropertyName("salt")]
    public required byte[] Salt { get; init; }

    [JsonPropertyName("nonce")]
    public required byte[] Nonce { get; init; }

    [JsonPropertyName("ciphertext")]
    public required byte[] Ciphertext { get; init; }

    [JsonPropertyName("tag")]
    public required byte[] Tag { get; init; }
}
