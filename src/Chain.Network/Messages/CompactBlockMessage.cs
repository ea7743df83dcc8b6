using System.Text.Json.Serialization;
using Chain.Core.Ledger;

namespace Chain.Network.Messages;

/// <summary>
/// Pushes a new best-chain block in compact form: its header, its coinbase (both base64 in the JSON), and the ids of its
/// other transactions in block order. The receiver rebuilds the block from its mempool and asks for the
/// transactions it lacks with <c>getblocktxn</c>.
/// </summary>
public sealed record CompactBlockMessage(byte[] Header, byte[] Coinbase, IReadOnlyList<string> Txs) : Message
{
    /// <summary>Most transaction ids in one compact block (or in one <c>getblocktxn</c> / <c>blocktxn</c>).</summary>
    public const int MaxTxIds = Block.MaxTransactions;

    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => "cmpctblock";
}
