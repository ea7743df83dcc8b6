using System.Text.Json.Serialization;

namespace Chain.Network.Messages;

/// <summary>Answers the ids of a <c>getdata</c> that the sender does not have.</summary>
public sealed record NotFoundMessage(IReadOnlyList<string> Txs, IReadOnlyList<string> Blocks) : Message
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => "notfound";
}
