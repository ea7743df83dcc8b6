using System.Text.Json.Serialization;

namespace Chain.Network.Messages;

/// <summary>Announces transactions and blocks by id (64 hex characters each); the receiver asks for what it lacks.</summary>
public sealed record InvMessage(IReadOnlyList<string> Txs, IReadOnlyList<string> Blocks) : Message
{
    /// <summary>Most ids in one announcement (transactions and blocks together).</summary>
    public const int MaxIds = 50_000;

    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => "inv";
}
