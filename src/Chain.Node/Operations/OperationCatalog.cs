using System.Collections.Frozen;
using Chain.Core.Crypto;
using Chain.Node.Operations.Results;

namespace Chain.Node.Operations;

/// <summary>
/// Every operation, in the order <c>help</c> lists them. A console command and a JSON-RPC method of the same name
/// are the same entry here, so their parameters, usage and help cannot drift apart.
/// </summary>
public static class OperationCatalog
{
    private static readonly OperationParameter BlockId = new("id", false, "a height of the best chain, or a block hash (64 hex characters)");
    private static readonly OperationParameter RawSwitch = new("raw", true, "'raw' (or true) for the block or transaction as hex in ENCODING.md's encoding");

    /// <summary>Every operation.</summary>
    public static IReadOnlyList<OperationMethod> All { get; } =
    [
        new("help", "help", "list the commands", [], typeof(HelpListing), (_, _, _) => Done(Help())),
        new("address", "address", "this wallet's address", [], typeof(AddressInfo), (o, _, _) => Done(o.GetAddress())),
        new("wallet", "wallet", "this wallet's address and public key (PEM)", [], typeof(WalletInfo), (o, _, _) => Done(o.GetWallet()))
        {
            UsageError = "usage: wallet [encrypt <passphrase-file> | passphrase <current-file> <new-file> | export <pem-file> [passphrase-file]]",
        },
        new(
            "walletencrypt",
            "wallet encrypt <passphrase-file>",
            "encrypt the wallet file under the first line of a file on the node's host",
            [new("passphraseFile", false, "a file on the node's host whose first line is the new passphrase")],
            typeof(WalletEncrypted),
            (o, a, _) => Done(o.EncryptWallet(a["passphraseFile"]!))) { Command = "wallet encrypt" },
        new(
            "walletpassphrase",
            "wallet passphrase <current-file> <new-file>",
            "change the wallet's passphrase (each the first line of a file on the node's host)",
            [
                new("currentFile", false, "a file on the node's host whose first line is the current passphrase"),
                new("newFile", false, "a file on the node's host whose first line is the new passphrase"),
            ],
            typeof(PassphraseChanged),
            (o, a, _) => Done(o.ChangePassphrase(a["currentFile"]!, a["newFile"]!))) { Command = "wallet passphrase" },
        new(
            "walletexport",
            "wallet export <pem-file> [passphrase-file]",
            "write the private key as PKCS#8 PEM to a new owner-only file on the node's host",
            [
                new("pemFile", false, "the new file on the node's host (never an existing one)"),
                new("passphraseFile", true, "for an encrypted wallet: a file whose first line is its passphrase"),
            ],
            typeof(KeyExported),
            (o, a, _) => Done(o.ExportKey(a["pemFile"]!, a["passphraseFile"]))) { Command = "wallet export" },
        new(
            "sign",
            "sign <text>",
            "RSA-PSS SHA-256 signature of the UTF-8 text, base64",
            [new("text", false, "the text to sign (the rest of the console line, spaces kept)")],
            typeof(SignatureInfo),
            (o, a, _) => Done(o.Sign(a["text"]!))) { Arity = ConsoleArity.Rest },
        new(
            "verify",
            "verify <public-key-file|address> <signature> <text>",
            "check a signature: valid or invalid",
            [
                new("key", false, "an address that has sent a transaction (or this wallet's), or a PEM public key file on the node's host"),
                new("signature", false, "the signature, base64"),
                new("text", false, "the signed text (the rest of the console line, spaces kept)"),
            ],
            typeof(VerifyInfo),
            (o, a, _) => Done(o.Verify(a["key"]!, a["signature"]!, a["text"]!))) { Arity = ConsoleArity.Rest },
        new(
            "balance",
            "balance [address]",
            "confirmed balance in coins (default: this wallet), then immature=<coins> if mined rewards are not spendable yet",
            [new("address", true, "the account (default: this wallet)")],
            typeof(BalanceInfo),
            (o, a, _) => Done(o.Balance(a["address"] is { } address ? OperationParsers.Address(o.Network, address) : null))),
        new(
            "send",
            "send <address> <amount> [fee]",
            "sign and broadcast a transfer of coins; prints the transaction id",
            [
                new("address", false, "the recipient"),
                new("amount", false, "coins, up to 8 decimals"),
                new("fee", true, "coins (default: the network minimum)"),
            ],
            typeof(SendInfo),
            (o, a, _) => Done(o.Send(
                OperationParsers.Address(o.Network, a["address"]!),
                OperationParsers.Coins(a["amount"]!, "amount"),
                a["fee"] is { } fee ? OperationParsers.Coins(fee, "fee") : null))) { Arity = ConsoleArity.Exact },
        new(
            "mine",
            "mine [count]",
            "mine count blocks now (default 1); prints <height> <hash> per block",
            [new("count", true, $"blocks to mine, 1 to {NodeOperations.MaxMineCount} (default 1)")],
            typeof(MinedBlocks),
            async (o, a, ct) => await o.MineAsync(a["count"] is { } count ? OperationParsers.Count(count, NodeOperations.MaxMineCount) : 1, ct)),
        new(
            "mining",
            "mining on|off",
            "continuous mining in the background",
            [new("state", false, "on or off")],
            typeof(MiningInfo),
            (o, a, _) => Done(a["state"]!.ToLowerInvariant() switch
            {
                "on" => o.Mining(true),
                "off" => o.Mining(false),
                _ => throw OperationException.Invalid("usage: mining on|off"),
            })),
        new(
            "vote",
            "vote <address> add|remove | vote clear",
            "on proof of authority: propose adding or removing a signer in this node's next sealed blocks (clear: propose nothing)",
            [new("candidate", false, "the address voted on, or 'clear'"), new("kind", true, "add or remove (absent with clear)")],
            typeof(VoteInfo),
            (o, a, _) => Done(o.Vote(a["candidate"]!, a["kind"]))),
        new("status", "status", "height, tip, peers, mempool, difficulty, hash rate, mining, this wallet's immature rewards", [], typeof(StatusInfo), (o, _, _) => Done(o.Status())),
        new("peers", "peers", "connected peers: <endpoint> <node-id> <inbound|outbound> since=<time> ping=<ms|-> sent=<bytes> received=<bytes>", [], typeof(PeerList), (o, _, _) => Done(o.Peers())),
        new(
            "connect",
            "connect <host:port[@node-id]>",
            "dial a new neighbour",
            [new("endpoint", false, "host:port, optionally @node-id to pin the peer's identity")],
            typeof(ConnectInfo),
            async (o, a, ct) => await o.ConnectAsync(a["endpoint"]!, ct)) { Arity = ConsoleArity.Exact },
        new(
            "disconnect",
            "disconnect <endpoint|node-id>",
            "close the connection to a peer and stop dialling it (also at the next start)",
            [new("peer", false, "a node id (64 hex), or an endpoint as peers shows it or as connect was given it")],
            typeof(DisconnectInfo),
            (o, a, _) => Done(o.Disconnect(a["peer"]!))) { Arity = ConsoleArity.Exact },
        new(
            "ban",
            "ban <address> [duration]",
            "refuse an IP address and disconnect it (default 1 day; seconds or 30m, 12h, 7d, 2w)",
            [new("address", false, "an IP address, without port"), new("duration", true, "seconds, or a number and s, m, h, d or w (default 1 day)")],
            typeof(BanInfo),
            (o, a, _) => Done(o.Ban(OperationParsers.IpAddress(a["address"]!), a["duration"] is { } d ? OperationParsers.Duration(d) : OperationParsers.DefaultBan))) { Arity = ConsoleArity.Exact },
        new(
            "unban",
            "unban <address>",
            "lift a ban",
            [new("address", false, "the banned IP address")],
            typeof(UnbanInfo),
            (o, a, _) => Done(o.Unban(OperationParsers.IpAddress(a["address"]!)))) { Arity = ConsoleArity.Exact },
        new("bans", "bans", "the banned addresses: <address> created=<time> until=<time>", [], typeof(BanListing), (o, _, _) => Done(o.Bans())) { Aliases = ["listbanned"] },
        new(
            "chain",
            "chain [n]",
            "the last n blocks (default 10)",
            [new("count", true, $"blocks to list (default {NodeOperations.DefaultListing})")],
            typeof(ChainListing),
            (o, a, _) => Done(o.ChainTail(a["count"] is { } count ? OperationParsers.Count(count, int.MaxValue) : NodeOperations.DefaultListing))),
        new(
            "block",
            "block <height|hash> [raw]",
            "one block and its transactions (raw: hex)",
            [BlockId, RawSwitch],
            typeof(BlockInfo),
            (o, a, _) => Done(OperationParsers.Raw(a["raw"]) ? o.RawBlock(a["id"]!) : o.Block(a["id"]!)))
        {
            Arity = ConsoleArity.Exact,
            ResultTypeFor = RawOr(typeof(BlockInfo)),
        },
        new(
            "tx",
            "tx <id> [raw]",
            "one transaction and where it is (raw: hex)",
            [new("id", false, "the transaction id (64 hex characters)"), RawSwitch],
            typeof(TransactionLookup),
            (o, a, _) =>
            {
                var id = TransactionId(a["id"]!);
                return Done(OperationParsers.Raw(a["raw"]) ? o.RawTransaction(id) : o.Transaction(id));
            })
        {
            Arity = ConsoleArity.Exact,
            UsageError = TxUsage,
            ResultTypeFor = RawOr(typeof(TransactionLookup)),
        },
        new("mempool", "mempool", "transactions waiting for a block", [], typeof(MempoolListing), (o, _, _) => Done(o.Mempool())),
        new(
            "history",
            "history [address] [n]",
            "the last n transactions of an address (default: this wallet, 10)",
            [new("address", true, "the account (default: this wallet)"), new("count", true, $"entries (default {NodeOperations.DefaultListing})")],
            typeof(HistoryListing),
            (o, a, _) => Done(o.History(
                a["address"] is { } address ? OperationParsers.Address(o.Network, address) : null,
                a["count"] is { } count ? OperationParsers.Count(count, int.MaxValue) : NodeOperations.DefaultListing)))
        {
            Arity = ConsoleArity.Custom,
            ConsoleBinder = BindHistory,
        },
        new(
            "header",
            "header <height|hash>",
            "one block's header",
            [BlockId],
            typeof(HeaderInfo),
            (o, a, _) => Done(o.Header(a["id"]!))) { Arity = ConsoleArity.Exact },
        new(
            "sendraw",
            "sendraw <hex>",
            "submit a transaction signed elsewhere (ENCODING.md, hex); prints its id",
            [new("hex", false, "the transaction in ENCODING.md's encoding, hex")],
            typeof(SendInfo),
            (o, a, _) => Done(o.SendRaw(OperationParsers.Hex(a["hex"]!, "transaction")))) { Arity = ConsoleArity.Exact },
        new(
            "decode",
            "decode <hex>",
            "a transaction or block in ENCODING.md's encoding, read",
            [new("hex", false, "a transaction or a block in ENCODING.md's encoding, hex")],
            typeof(DecodedData),
            (o, a, _) => Done(o.Decode(OperationParsers.Hex(a["hex"]!, "data")))) { Arity = ConsoleArity.Exact },
        new("networkinfo", "networkinfo", "network, node id, listening endpoint, peers each way, minimum fee", [], typeof(NetworkInfo), (o, _, _) => Done(o.NetworkInfo())),
        new(
            "validateaddress",
            "validateaddress <address>",
            "whether the text is an address, and whether it is this wallet's",
            [new("address", false, "the text to check")],
            typeof(AddressValidation),
            (o, a, _) => Done(o.ValidateAddress(a["address"]!))) { Arity = ConsoleArity.Exact },
        new("estimatefee", "estimatefee", "the fee that gets a transaction into the next block", [], typeof(FeeEstimate), (o, _, _) => Done(o.EstimateFee())),
        new("quit", "quit", "stop the node", [], typeof(StopInfo), (o, _, _) => Done(o.Stop())) { ConsoleOnly = true, Aliases = ["exit"] },
    ];

    private const string TxUsage = "usage: tx <64-character id> [raw]";

    /// <summary>The JSON-RPC method named <paramref name="name"/> (exactly), or null.</summary>
    public static OperationMethod? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The console command <paramref name="command"/> (its words joined by one space, or an alias), case-insensitive; null if none.</summary>
    public static OperationMethod? FindCommand(string command) =>
        All.FirstOrDefault(m => string.Equals(m.ConsoleName, command, StringComparison.OrdinalIgnoreCase) || m.Aliases.Contains(command, StringComparer.OrdinalIgnoreCase));

    // Every JSON-RPC request looks its method up (twice, with the metrics): a hash lookup, not a walk over the list.
    private static readonly FrozenDictionary<string, OperationMethod> ByName = All.DistinctBy(m => m.Name).ToFrozenDictionary(m => m.Name, StringComparer.Ordinal);

    private static HelpListing Help() => new([.. All.Select(m => new HelpEntry(m.Usage, m.Help))]);

    private static ValueTask<object> Done(object result) => ValueTask.FromResult(result);

    private static Func<OperationArguments, Type> RawOr(Type type) => a => OperationParsers.Raw(a["raw"]) ? typeof(RawData) : type;

    private static Hash256 TransactionId(string text) =>
        Hash256.TryParse(text, out var id) ? id : throw OperationException.Invalid(TxUsage);

    // The console's history takes an optional address, then an optional count. A checksummed address always has
    // letters, so a first word of digits alone is the count; any other first word must be an address.
    private static OperationArguments BindHistory(IReadOnlyList<string> words)
    {
        var values = new Dictionary<string, string>();
        var next = 0;
        if (next < words.Count && !words[next].All(char.IsAsciiDigit))
        {
            values["address"] = words[next++];
        }

        if (next < words.Count)
        {
            values["count"] = words[next++];
        }

        return next < words.Count ? throw Find("history")!.UsageException() : new OperationArguments(values);
    }
}
