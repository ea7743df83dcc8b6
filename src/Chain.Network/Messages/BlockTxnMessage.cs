using System.Text.Json.Serialization;

namespace Chain.Network.Messages;

/// <summary>Answers <c>getblocktxn</c>: the block hash and the asked transactions of that block, each as base64, in block order.</summary>
public sealed record BlockTxnMessage(string Block, IReadOnlyList<string> Txs) : Message
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => "blocktxn";
}
