using System.Text.Json.Serialization;
using Chain.Node.Operations.Results;
using Chain.Node.Rpc.Subscriptions;

namespace Chain.Node.Rpc;

/// <summary>The API's JSON of every operation result, generated at build time (no reflection at run time); camelCase names.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AddressInfo))]
[JsonSerializable(typeof(AddressValidation))]
[JsonSerializable(typeof(BalanceInfo))]
[JsonSerializable(typeof(BanInfo))]
[JsonSerializable(typeof(BanListing))]
[JsonSerializable(typeof(BlockInfo))]
[JsonSerializable(typeof(ChainListing))]
[JsonSerializable(typeof(ConnectInfo))]
[JsonSerializable(typeof(DecodedData))]
[JsonSerializable(typeof(DisconnectInfo))]
[JsonSerializable(typeof(FeeEstimate))]
[JsonSerializable(typeof(HeaderInfo))]
[JsonSerializable(typeof(HelpListing))]
[JsonSerializable(typeof(HistoryListing))]
[JsonSerializable(typeof(KeyExported))]
[JsonSerializable(typeof(MempoolListing))]
[JsonSerializable(typeof(MinedBlocks))]
[JsonSerializable(typeof(MiningInfo))]
[JsonSerializable(typeof(VoteInfo))]
[JsonSerializable(typeof(NetworkInfo))]
[JsonSerializable(typeof(PassphraseChanged))]
[JsonSerializable(typeof(PeerList))]
[JsonSerializable(typeof(PeerNotification))]
[JsonSerializable(typeof(RawData))]
[JsonSerializable(typeof(SendInfo))]
[JsonSerializable(typeof(SignatureInfo))]
[JsonSerializable(typeof(StatusInfo))]
[JsonSerializable(typeof(StopInfo))]
[JsonSerializable(typeof(TipNotification))]
[JsonSerializable(typeof(TransactionLookup))]
[JsonSerializable(typeof(UnbanInfo))]
[JsonSerializable(typeof(VerifyInfo))]
[JsonSerializable(typeof(WalletEncrypted))]
[JsonSerializable(typeof(WalletInfo))]
public sealed partial class RpcJsonContext : JsonSerializerContext;
