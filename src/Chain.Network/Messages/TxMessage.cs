using System.Text.Json.Serialization;

namespace Chain.Network.Messages;

/// <summary>Carries transactions, each as its canonical encoding (base64 in the JSON).</summary>
public sealed record TxMessage(IReadOnlyList<byte[]> Txs) : Message
{
    /// <summary>Most transactions in one message.</summary>
    public const int MaxTransactions = 2_000;

    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => "tx";
}
