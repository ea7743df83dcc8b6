using System.Text.Json.Serialization;

namespace Chain.Network.Messages;

/// <summary>Carries transactions, each as base64 of its canonical encoding.</summary>
public sealed record TxMessage(IReadOnlyList<string> Txs) : Message
{
    /// <summary>Most transactions in one message.</summary>
    public const int MaxTransactions = 2_000;

    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => "tx";
}
