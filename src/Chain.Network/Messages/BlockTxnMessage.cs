using System.Text.Json.Serialization;

namespace Chain.Network.Messages;

/// <summary>Answers <c>getblocktxn</c>: the block hash and the asked transactions of that block (base64 in the JSON), in block order.</summary>
public sealed record BlockTxnMessage(string Block, IReadOnlyList<byte[]> Txs) : Message
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => "blocktxn";
}
