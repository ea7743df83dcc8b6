using System.Text.Json.Serialization;

namespace Chain.Network.Messages;

/// <summary>Carries one block as base64 of its canonical encoding (a relayed new block or a getdata answer).</summary>
public sealed record BlockMessage(string Block) : Message
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => "block";
}
