using System.Text.Json.Serialization;

namespace Chain.Network.Messages;

/// <summary>A batch of consecutive best-chain blocks (canonical encodings, base64 in the JSON) answering <c>getblocks</c>; <c>more</c> says whether the sender has further blocks.</summary>
public sealed record BlocksMessage(IReadOnlyList<byte[]> Blocks, bool More) : Message
{
    /// <summary>Most blocks in one batch.</summary>
    public const int MaxBlocks = 500;

    /// <summary>Most encoded block bytes in one batch (before base64); a single block may exceed it alone.</summary>
    public const int MaxBatchBytes = 2 * 1024 * 1024;

    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => "blocks";
}
