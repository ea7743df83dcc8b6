using System.Text.Json.Serialization;

namespace Chain.Network.Messages;

/// <summary>Asks for transactions and blocks by id; answered with <c>tx</c>, <c>block</c> and <c>notfound</c>.</summary>
public sealed record GetDataMessage(IReadOnlyList<string> Txs, IReadOnlyList<string> Blocks) : Message
{
    /// <summary>Most ids in one request.</summary>
    public const int MaxIds = 50_000;

    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => "getdata";
}
