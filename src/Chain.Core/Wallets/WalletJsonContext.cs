using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chain.Core.Wallets;

/// <summary>Source-generated JSON metadata for <c>wallet.json</c>, read strictly.</summary>
[JsonSerializable(typeof(WalletDocument))]
internal sealed partial class WalletJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context used for the file: unknown, duplicate, missing-required and null-for-non-nullable members
    /// are errors; PEM text is written without escaping '+' so the file reads like the PEM it holds.
    /// </summary>
    public static WalletJsonContext Strict { get; } = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        MaxDepth = 8,
    });
}
