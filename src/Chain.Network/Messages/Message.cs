using System.Text.Json.Serialization;

namespace Chain.Network.Messages;

/// <summary>
/// A message-layer payload, carried in sealed data frames after the handshake (keepalive and disconnect
/// are frame kinds of the transport): UTF-8 JSON whose <c>type</c> property
/// names the kind. Encoded and decoded by <see cref="MessageCodec"/>; schemas in PROTOCOL.md.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(InvMessage), "inv")]
[JsonDerivedType(typeof(GetDataMessage), "getdata")]
[JsonDerivedType(typeof(TxMessage), "tx")]
[JsonDerivedType(typeof(BlockMessage), "block")]
[JsonDerivedType(typeof(GetBlocksMessage), "getblocks")]
[JsonDerivedType(typeof(BlocksMessage), "blocks")]
[JsonDerivedType(typeof(NotFoundMessage), "notfound")]
[JsonDerivedType(typeof(CompactBlockMessage), "cmpctblock")]
[JsonDerivedType(typeof(GetBlockTxnMessage), "getblocktxn")]
[JsonDerivedType(typeof(BlockTxnMessage), "blocktxn")]
public abstract record Message
{
    /// <summary>The <c>type</c> value, for logs.</summary>
    [JsonIgnore]
    public abstract string Kind { get; }
}
