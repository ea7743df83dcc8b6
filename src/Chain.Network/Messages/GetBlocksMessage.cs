using System.Text.Json.Serialization;

namespace Chain.Network.Messages;

/// <summary>
/// Asks for the sender's missing best-chain blocks: the locator lists the sender's best-chain hashes from
/// its tip backwards, exponentially sparser, ending at genesis; the receiver answers with the blocks after
/// the highest one it has on its own best chain.
/// </summary>
public sealed record GetBlocksMessage(IReadOnlyList<string> Locator) : Message
{
    /// <summary>Most hashes in a locator (enough for 2^90 blocks).</summary>
    public const int MaxLocator = 101;

    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => "getblocks";
}
