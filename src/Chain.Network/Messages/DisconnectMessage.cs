using System.Text.Json.Serialization;

namespace Chain.Network.Messages;

/// <summary>Says why the sender is closing the connection; the last message on it.</summary>
public sealed record DisconnectMessage(string Reason) : Message
{
    /// <summary>Longest reason sent or read.</summary>
    public const int MaxReasonLength = 200;

    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => "disconnect";
}
