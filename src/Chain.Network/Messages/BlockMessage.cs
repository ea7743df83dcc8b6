using System.Text.Json.Serialization;

namespace Chain.Network.Messages;

/// <summary>Carries one block as its canonical encoding, base64 in the JSON (a relayed new block or a getdata answer).</summary>
public sealed record BlockMessage(byte[] Block) : Message
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => "block";
}
