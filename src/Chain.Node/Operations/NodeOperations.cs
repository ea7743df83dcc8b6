using System.Globalization;
using Chain.Core.Consensus;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Mining;
using Chain.Core.Wallets;
using Chain.Node.Configuration;
using Chain.Node.Operations.Results;
using Chain.Node.Services;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Chain.Node.Operations;

/// <summary>
/// Every operation a user can ask of the node, once, with typed results. The console and the JSON-RPC API are
/// front ends over this class: they parse arguments and format answers, nothing more. A failure the user
/// caused raises <see cref="OperationException"/>. Split by concern into partials (wallet, blockchain, node).
/// </summary>
public sealed partial class NodeOperations(
    Blockchain chain,
    Wallet wallet,
    Miner miner,
    MiningControl mining,
    IPeerDirectory peers,
    IPendingTransactionsSaver pending,
    IHostApplicationLifetime lifetime,
    IOptions<NodeOptions> options,
    ILogger<NodeOperations>? logger = null,
    TimeProvider? time = null)
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly long _started = (time ?? TimeProvider.System).GetTimestamp();

    /// <summary>Blocks <c>mine</c> mines at most in one go.</summary>
    public const int MaxMineCount = 1_000;

    /// <summary>Entries listed by <c>chain</c> and <c>history</c> when no count is given.</summary>
    public const int DefaultListing = 10;

    /// <summary>The ledger the operations read and write.</summary>
    public Blockchain Chain => chain;

    /// <summary>Stops the node, as Ctrl+C does.</summary>
    public StopInfo Stop()
    {
        lifetime.StopApplication();
        return new StopInfo(true);
    }

    /// <summary>The network the node is on (its address prefix among the rest).</summary>
    public NetworkParameters Network => chain.Network;

    /// <summary>An address as every answer shows it: this network's checksummed text form (ENCODING.md, "Address").</summary>
    public string FormatAddress(Address address) => chain.Network.FormatAddress(address);

    /// <summary>A transaction as every answer shows it (<see cref="Describe(Transaction, NetworkParameters)"/> on this node's network).</summary>
    public TransactionInfo Describe(Transaction tx) => Describe(tx, chain.Network);

    /// <summary>
    /// A transaction as every answer shows it, its addresses in the text form of the network the transaction is
    /// for (a decoded transaction may be another network's): <paramref name="running"/>, the node's own, or a
    /// compiled-in one; 40 hex when that network is unknown.
    /// </summary>
    public static TransactionInfo Describe(Transaction tx, NetworkParameters running) => Describe(tx, running, null);

    /// <summary>
    /// A header as every answer shows it; <paramref name="work"/> is the cumulative work when the block is in the tree;
    /// a sealed header's addresses in <paramref name="network"/>'s text form.
    /// </summary>
    public static HeaderInfo Describe(BlockHeader h, UInt128? work, NetworkParameters network) => new(
        h.Hash.ToString(),
        h.Version,
        h.Height,
        h.PreviousHash.ToString(),
        h.MerkleRoot.ToString(),
        h.Timestamp,
        Time(h.Timestamp),
        string.Create(CultureInfo.InvariantCulture, $"0x{h.Bits:x8}"),
        h.Nonce,
        work?.ToString(CultureInfo.InvariantCulture),
        h.IsSealed ? DescribeSeal(h, network) : null);

    private static SealInfo DescribeSeal(BlockHeader h, NetworkParameters network) => new(
        network.FormatAddress(h.Signer),
        h.Vote.Kind switch
        {
            VoteKind.Add => "add",
            VoteKind.Remove => "remove",
            _ => null,
        },
        h.Vote.Kind == VoteKind.None ? null : network.FormatAddress(h.Vote.Candidate),
        h.Signers.Count == 0 ? null : [.. h.Signers.Select(network.FormatAddress)]);

    /// <summary>A block and its transactions, their addresses in this node's network's form.</summary>
    public BlockInfo Describe(Block block, UInt128? work) => Describe(block, work, chain.Network);

    /// <summary>A block and its transactions, their addresses in the form of <paramref name="running"/> or of the compiled-in network each transaction is for.</summary>
    public static BlockInfo Describe(Block block, UInt128? work, NetworkParameters running)
    {
        // A block's senders and recipients repeat (a sender's nonces follow one another), and so do amounts and fees:
        // each address is put in its text form once, each amount once.
        var texts = new Dictionary<(uint, Address), string>();
        var amounts = new Dictionary<long, string>();
        var transactions = new TransactionInfo[block.Transactions.Count];
        for (var i = 0; i < transactions.Length; i++)
        {
            transactions[i] = Describe(block.Transactions[i], running, texts, amounts);
        }

        return new(Describe(block.Header, work, running), transactions);
    }

    private static TransactionInfo Describe(Transaction tx, NetworkParameters running, Dictionary<(uint, Address), string>? texts, Dictionary<long, string>? amounts = null)
    {
        var network = tx.Network == running.Magic ? running : NetworkParameters.All.FirstOrDefault(n => n.Magic == tx.Network);
        string Text(Address address)
        {
            if (texts is null)
            {
                return network?.FormatAddress(address) ?? address.ToString();
            }

            if (!texts.TryGetValue((tx.Network, address), out var text))
            {
                texts[(tx.Network, address)] = text = network?.FormatAddress(address) ?? address.ToString();
            }

            return text;
        }

        string Amount(long units)
        {
            if (amounts is null)
            {
                return Money.Format(units);
            }

            if (!amounts.TryGetValue(units, out var text))
            {
                amounts[units] = text = Money.Format(units);
            }

            return text;
        }

        var recipient = Text(tx.Recipient);
        return tx.IsCoinbase
            ? new TransactionInfo(tx.Id.ToString(), true, null, recipient, Amount(tx.Amount), Amount(tx.Fee), tx.Nonce)
            : new TransactionInfo(tx.Id.ToString(), false, Text(tx.Sender), recipient, Amount(tx.Amount), Amount(tx.Fee), tx.Nonce);
    }

    /// <summary>A Unix time as UTC <c>yyyy-MM-ddTHH:mm:ssZ</c>.</summary>
    public static string Time(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>The English words of a refusal, for messages.</summary>
    public static string ToWords(TxError error) => error switch
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
