using System.Text.Json.Serialization;

namespace Chain.Network.Messages;

/// <summary>Asks for the transactions of a compact block the asker lacks, by block hash and transaction ids; answered with <c>blocktxn</c> or <c>notfound</c>.</summary>
public sealed record GetBlockTxnMessage(string Block, IReadOnlyList<string> Txs) : Message
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => "getblocktxn";
}
