using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Mining;
using Chain.Core.Wallets;
using Chain.Node.Configuration;
using Chain.Node.Services;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chain.Node.Console;

/// <summary>
/// Executes one console command and writes its answer. Answers are stable so scripts can drive a node
/// through a pipe; every failure is one line starting with <c>error:</c>, and the node goes on.
/// </summary>
public sealed class CommandProcessor(
    Blockchain chain,
    Wallet wallet,
    Miner miner,
    MiningControl mining,
    IPeerDirectory peers,
    IPendingTransactionsSaver pending,
    IHostApplicationLifetime lifetime,
    IOptions<NodeOptions> options)
{
    /// <summary>Blocks the <c>mine</c> command mines at most in one go.</summary>
    public const int MaxMineCount = 1_000;

    /// <summary>Entries listed by <c>chain</c> and <c>history</c> when no count is given.</summary>
    public const int DefaultListing = 10;

    private static readonly (string Usage, string Help)[] Commands =
    [
        ("help", "list the commands"),
        ("address", "this wallet's address"),
        ("wallet", "this wallet's address and public key (PEM)"),
        ("sign <text>", "RSA-PSS SHA-256 signature of the UTF-8 text, base64"),
        ("verify <public-key-file|address> <signature> <text>", "check a signature: valid or invalid"),
        ("balance [address]", "confirmed balance in coins (default: this wallet)"),
        ("send <address> <amount> [fee]", "sign and broadcast a transfer of coins; prints the transaction id"),
        ("mine [count]", "mine count blocks now (default 1); prints <height> <hash> per block"),
        ("mining on|off", "continuous mining in the background"),
        ("status", "height, tip, peers, mempool, difficulty, hash rate, mining"),
        ("peers", "connected peers: <endpoint> <node-id> <inbound|outbound>"),
        ("connect <host:port[@node-id]>", "dial a new neighbour"),
        ("chain [n]", "the last n blocks (default 10)"),
        ("block <height|hash>", "one block and its transactions"),
        ("tx <id>", "one transaction and where it is"),
        ("mempool", "transactions waiting for a block"),
        ("history [address] [n]", "the last n transactions of an address (default: this wallet, 10)"),
        ("quit", "stop the node"),
    ];

    /// <summary>Runs <paramref name="line"/>; writes the answer to <paramref name="output"/>.</summary>
    public async Task ExecuteAsync(string line, TextWriter output, CancellationToken cancellationToken)
    {
        var trimmed = line.Trim();
        if (trimmed.Length == 0)
        {
            return;
        }

        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        var command = (space < 0 ? trimmed : trimmed[..space]).ToLowerInvariant();
        var rest = space < 0 ? string.Empty : trimmed[(space + 1)..].Trim();
        var args = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        try
        {
            switch (command)
            {
                case "help":
                    Help(output);
                    break;
                case "address":
                    output.WriteLine(wallet.Address);
                    break;
                case "wallet":
                    output.WriteLine(wallet.Address);
                    output.Write(wallet.PublicKeyPem.TrimEnd() + "\n");
                    break;
                case "sign":
                    Sign(rest, output);
                    break;
                case "verify":
                    Verify(rest, output);
                    break;
                case "balance":
                    Balance(args, output);
                    break;
                case "send":
                    Send(args, output);
                    break;
                case "mine":
                    await MineAsync(args, output, cancellationToken);
                    break;
                case "mining":
                    Mining(args, output);
                    break;
                case "status":
                    Status(output);
                    break;
                case "peers":
                    foreach (var peer in peers.Peers)
                    {
                        output.WriteLine($"{peer.Endpoint} {peer.NodeId} {(peer.Inbound ? "inbound" : "outbound")}");
                    }

                    break;
                case "connect":
                    await ConnectAsync(args, output, cancellationToken);
                    break;
                case "chain":
                    ChainListing(args, output);
                    break;
                case "block":
                    BlockListing(args, output);
                    break;
                case "tx":
                    TxListing(args, output);
                    break;
                case "mempool":
                    foreach (var tx in chain.GetMempool())
                    {
                        output.WriteLine(Describe(tx));
                    }

                    break;
                case "history":
                    History(args, output);
                    break;
                case "quit":
                case "exit":
                    output.WriteLine("stopping");
                    lifetime.StopApplication();
                    break;
                default:
                    output.WriteLine($"error: unknown command '{command}' (type help)");
                    break;
            }
        }
        catch (CommandException e)
        {
            output.WriteLine($"error: {e.Message}");
        }
    }

    private static void Help(TextWriter output)
    {
        foreach (var (usage, help) in Commands)
        {
            output.WriteLine($"{usage,-52} {help}");
        }
    }

    private void Sign(string text, TextWriter output)
    {
        if (text.Length == 0)
        {
            throw new CommandException("usage: sign <text>");
        }

        output.WriteLine(Convert.ToBase64String(wallet.SignData(Encoding.UTF8.GetBytes(text))));
    }

    private void Verify(string rest, TextWriter output)
    {
        var parts = rest.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3)
        {
            throw new CommandException("usage: verify <public-key-file|address> <signature> <text>");
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(parts[1]);
        }
        catch (FormatException)
        {
            throw new CommandException("the signature is not base64");
        }

        using var key = LoadVerificationKey(parts[0]);
        output.WriteLine(RsaPss.VerifyData(key, Encoding.UTF8.GetBytes(parts[2]), signature) ? "valid" : "invalid");
    }

    private RSA LoadVerificationKey(string keyOrAddress)
    {
        if (Address.TryParse(keyOrAddress, out var address))
        {
            var spki = address == wallet.Address ? wallet.PublicKey.ToArray() : FindPublicKey(address)
                ?? throw new CommandException($"no public key known for address {address} (it has never sent a transaction); give a public key file");
            return RsaPss.TryImportPublicKey(spki) ?? throw new CommandException("the known public key is not an RSA-2048 key");
        }

        if (!File.Exists(keyOrAddress))
        {
            throw new CommandException($"'{keyOrAddress}' is neither an address nor a readable public key file");
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(File.ReadAllText(keyOrAddress));
            return rsa;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new CommandException($"{keyOrAddress}: not an RSA public key in PEM form");
        }
    }

    private byte[]? FindPublicKey(Address address)
    {
        foreach (var (tx, _) in chain.GetHistory(address, int.MaxValue))
        {
            if (!tx.IsCoinbase && tx.Sender == address)
            {
                return tx.SenderPublicKey;
            }
        }

        return chain.GetMempool().FirstOrDefault(t => t.Sender == address)?.SenderPublicKey;
    }

    private void Balance(string[] args, TextWriter output)
    {
        var address = args.Length > 0 ? ParseAddress(args[0]) : wallet.Address;
        output.WriteLine(Money.Format(chain.GetAccount(address).Balance));
    }

    private void Send(string[] args, TextWriter output)
    {
        if (args.Length is < 2 or > 3)
        {
            throw new CommandException("usage: send <address> <amount> [fee]");
        }

        var to = ParseAddress(args[0]);
        var amount = ParseCoins(args[1], "amount");
        var fee = args.Length == 3 ? ParseCoins(args[2], "fee") : chain.Network.MinFee;
        var nonce = chain.GetPendingAccount(wallet.Address).Nonce;
        var tx = wallet.CreateTransaction(chain.Network.Magic, to, amount, fee, nonce);
        var result = chain.SubmitTransaction(tx);
        if (!result.IsValid)
        {
            throw new CommandException($"{ToWords(result.Error)}: {result.Message}");
        }

        // On disk before the id is printed: a transaction the user was told about survives a crash.
        pending.SaveNow();
        output.WriteLine(tx.Id);
    }

    private async Task MineAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var count = args.Length > 0 ? ParseCount(args[0], MaxMineCount) : 1;
        for (var i = 0; i < count; i++)
        {
            var block = await miner.MineBlockAsync(wallet.Address, options.Value.ResolvedMinerThreads, cancellationToken);
            output.WriteLine($"{block.Height} {block.Hash}");
        }
    }

    private void Mining(string[] args, TextWriter output)
    {
        switch (args.FirstOrDefault()?.ToLowerInvariant())
        {
            case "on":
                mining.Set(true);
                output.WriteLine("mining=on");
                break;
            case "off":
                mining.Set(false);
                output.WriteLine("mining=off");
                break;
            default:
                throw new CommandException("usage: mining on|off");
        }
    }

    private void Status(TextWriter output)
    {
        var tip = chain.Tip;
        var difficulty = Target.Difficulty(tip.Header.Bits, chain.Network.PowLimitBits);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"height={tip.Height} tip={tip.Hash} peers={peers.Peers.Count} mempool={chain.MempoolCount} difficulty={difficulty:0.######} hashrate={miner.HashRate:F0} mining={(mining.IsOn ? "on" : "off")}"));
    }

    private async Task ConnectAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        if (args.Length != 1)
        {
            throw new CommandException("usage: connect <host:port[@node-id]>");
        }

        var error = await peers.ConnectAsync(args[0], cancellationToken);
        if (error is not null)
        {
            throw new CommandException(error);
        }

        output.WriteLine($"connected {args[0]}");
    }

    private void ChainListing(string[] args, TextWriter output)
    {
        var count = args.Length > 0 ? ParseCount(args[0], int.MaxValue) : DefaultListing;
        for (var entry = chain.Tip; entry is not null && count-- > 0; entry = entry.Parent)
        {
            output.WriteLine($"{entry.Height} {entry.Hash} {Time(entry.Header.Timestamp)} txs={entry.Block.Transactions.Count}");
        }
    }

    private void BlockListing(string[] args, TextWriter output)
    {
        if (args.Length != 1)
        {
            throw new CommandException("usage: block <height|hash>");
        }

        var entry = uint.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var height)
            ? chain.GetBlockByHeight(height)
            : Hash256.TryParse(args[0], out var hash) ? chain.GetBlock(hash) : throw new CommandException("give a height or a 64-character block hash");
        if (entry is null)
        {
            throw new CommandException($"no block {args[0]}");
        }

        var h = entry.Header;
        output.WriteLine($"hash={entry.Hash}");
        output.WriteLine($"height={h.Height} previous={h.PreviousHash} merkle={h.MerkleRoot}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"time={Time(h.Timestamp)} bits=0x{h.Bits:x8} nonce={h.Nonce} work={entry.CumulativeWork}"));
        output.WriteLine($"transactions={entry.Block.Transactions.Count}");
        foreach (var tx in entry.Block.Transactions)
        {
            output.WriteLine("  " + Describe(tx));
        }
    }

    private void TxListing(string[] args, TextWriter output)
    {
        if (args.Length != 1 || !Hash256.TryParse(args[0], out var id))
        {
            throw new CommandException("usage: tx <64-character id>");
        }

        var found = chain.FindTransaction(id) ?? throw new CommandException($"no transaction {id}");
        var (tx, block) = found;
        output.WriteLine(Describe(tx));
        output.WriteLine(block is null ? "status=pending" : $"status=confirmed height={block.Height} block={block.Hash}");
    }

    private void History(string[] args, TextWriter output)
    {
        var address = wallet.Address;
        var count = DefaultListing;
        foreach (var arg in args)
        {
            if (Address.TryParse(arg, out var parsed))
            {
                address = parsed;
            }
            else
            {
                count = ParseCount(arg, int.MaxValue);
            }
        }

        foreach (var (tx, block) in chain.GetHistory(address, count))
        {
            var incoming = tx.Recipient == address;
            var outgoing = !tx.IsCoinbase && tx.Sender == address;
            var delta = (incoming ? tx.Amount : 0) - (outgoing ? tx.Amount + tx.Fee : 0);
            var other = tx.IsCoinbase ? "coinbase" : incoming && !outgoing ? tx.Sender.ToString() : tx.Recipient.ToString();
            output.WriteLine($"{block.Height} {tx.Id} {(delta >= 0 ? "+" : string.Empty)}{Money.Format(delta)} {other}");
        }
    }

    private static string Describe(Transaction tx) => tx.IsCoinbase
        ? $"{tx.Id} coinbase -> {tx.Recipient} {Money.Format(tx.Amount)} height={tx.Nonce}"
        : $"{tx.Id} {tx.Sender} -> {tx.Recipient} {Money.Format(tx.Amount)} fee={Money.Format(tx.Fee)} nonce={tx.Nonce}";

    private static string Time(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static Address ParseAddress(string text) =>
        Address.TryParse(text, out var address) ? address : throw new CommandException($"'{text}' is not an address (40 hexadecimal characters)");

    private static long ParseCoins(string text, string what) =>
        Money.TryParseCoins(text, out var units)
            ? units
            : throw new CommandException($"{what} '{text}' is not an amount of coins (e.g. 12.5, at most 8 decimals)");

    private static int ParseCount(string text, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max
            ? n
            : throw new CommandException($"'{text}' is not a count between 1 and {max}");

    private static string ToWords(TxError error) => error switch
    {
        TxError.InsufficientBalance => "insufficient balance",
        TxError.NonceTooLow => "nonce too low",
        TxError.NonceTooHigh => "nonce too high",
        TxError.AmountOutOfRange => "amount out of range",
        TxError.FeeOutOfRange => "fee out of range",
        TxError.BadSignature => "bad signature",
        TxError.WrongNetwork => "wrong network",
        TxError.MempoolFull => "mempool full",
        _ => error.ToString().ToLowerInvariant(),
    };
}
