using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chain.Core.Specs;

/// <summary>Source-generated JSON metadata for chain-spec files: camelCase, unknown members refused, comments allowed.</summary>
[JsonSerializable(typeof(ChainSpec))]
internal sealed partial class ChainSpecJsonContext : JsonSerializerContext
{
    /// <summary>The context used for spec files.</summary>
    public static ChainSpecJsonContext Strict { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 8,
    });
}
