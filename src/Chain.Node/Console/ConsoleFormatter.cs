using System.Globalization;
using Chain.Node.Operations.Results;

namespace Chain.Node.Console;

/// <summary>
/// Writes an operation's typed result as the console's answer: stable text that scripts parse (README "Console
/// commands"). The command-line client prints answers through this too, so they are the console's to the byte.
/// </summary>
public static class ConsoleFormatter
{
    /// <summary>Writes <paramref name="result"/> to <paramref name="output"/>.</summary>
    public static void Write(object result, TextWriter output)
    {
        switch (result)
        {
            case HelpListing help:
                foreach (var entry in help.Commands)
                {
                    output.WriteLine($"{entry.Usage,-52} {entry.Help}");
                }

                break;
            case AddressInfo address:
                output.WriteLine(address.Address);
                break;
            case WalletInfo wallet:
                output.WriteLine(wallet.Address);
                output.Write(wallet.PublicKey + "\n");
                break;
            case WalletEncrypted:
                output.WriteLine("encrypted: start the node with the same passphrase from now on");
                break;
            case PassphraseChanged:
                output.WriteLine("passphrase changed: start the node with the new passphrase from now on");
                break;
            case KeyExported exported:
                output.WriteLine($"exported {exported.File}");
                break;
            case SignatureInfo signature:
                output.WriteLine(signature.Signature);
                break;
            case VerifyInfo verify:
                output.WriteLine(verify.Valid ? "valid" : "invalid");
                break;
            case BalanceInfo balance:
                output.WriteLine(balance.Immature == "0" ? balance.Balance : $"{balance.Balance} immature={balance.Immature}");
                break;
            case SendInfo send:
                output.WriteLine(send.Id);
                break;
            case MinedBlocks mined:
                foreach (var block in mined.Blocks)
                {
                    output.WriteLine($"{block.Height} {block.Hash}");
                }

                break;
            case MiningInfo mining:
                output.WriteLine(mining.Mining ? "mining=on" : "mining=off");
                break;
            case VoteInfo vote:
                output.WriteLine(vote.Vote == "none" ? "vote=none" : $"vote={vote.Vote} {vote.Candidate}");
                break;
            case StatusInfo s:
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"height={s.Height} tip={s.Tip} peers={s.Peers} mempool={s.Mempool} difficulty={s.Difficulty:0.######} hashrate={s.Hashrate:F0} mining={(s.Mining ? "on" : "off")} node={(s.NodeId.Length > 0 ? s.NodeId : "-")} version={s.Version} uptime={s.Uptime} immature={s.Immature}{(s.Sync is null ? string.Empty : " sync=" + s.Sync)}"));
                break;
            case PeerList peers:
                foreach (var peer in peers.Peers)
                {
                    output.WriteLine(FormattableString.Invariant($"{peer.Endpoint} {peer.NodeId} {peer.Direction} since={peer.Since} ping={(peer.PingMs is { } ping ? ping.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "-")} sent={peer.BytesSent} received={peer.BytesReceived}"));
                }

                break;
            case ConnectInfo connect:
                output.WriteLine(connect.AlreadyConnected ? $"already connected {connect.Connected} {connect.NodeId}" : $"connected {connect.Connected}");
                break;
            case DisconnectInfo disconnect:
                foreach (var peer in disconnect.Disconnected)
                {
                    output.WriteLine($"disconnected {peer.Endpoint} {peer.NodeId} {peer.Direction}");
                }

                foreach (var neighbour in disconnect.Forgotten)
                {
                    output.WriteLine($"forgotten {neighbour}");
                }

                break;
            case BanInfo ban:
                output.WriteLine($"banned {ban.Address} until={ban.Until}");
                break;
            case UnbanInfo unban:
                output.WriteLine($"unbanned {unban.Unbanned}");
                break;
            case BanListing bans:
                foreach (var ban in bans.Bans)
                {
                    output.WriteLine($"{ban.Address} created={ban.Created} until={ban.Until}");
                }

                break;
            case ChainListing chain:
                foreach (var entry in chain.Blocks)
                {
                    output.WriteLine($"{entry.Height} {entry.Hash} {entry.Time} txs={entry.Txs}");
                }

                break;
            case HeaderInfo header:
                WriteHeader(header, output);
                break;
            case BlockInfo block:
                WriteBlock(block, output);
                break;
            case TransactionLookup lookup:
                output.WriteLine(Describe(lookup.Transaction));
                output.WriteLine(lookup.Block is null ? "status=pending" : $"status=confirmed height={lookup.Height} block={lookup.Block}");
                break;
            case MempoolListing mempool:
                foreach (var tx in mempool.Transactions)
                {
                    output.WriteLine(Describe(tx));
                }

                break;
            case HistoryListing history:
                foreach (var entry in history.Entries)
                {
                    output.WriteLine($"{entry.Height} {entry.Id} {entry.Change} {entry.Counterparty}");
                }

                break;
            case RawData raw:
                raw.WriteHex(output);
                output.WriteLine();
                break;
            case DecodedData decoded:
                output.WriteLine(decoded.Kind);
                if (decoded.Transaction is not null)
                {
                    output.WriteLine(Describe(decoded.Transaction));
                }

                if (decoded.Block is not null)
                {
                    WriteBlock(decoded.Block, output);
                }

                break;
            case NetworkInfo n:
                output.WriteLine($"network={n.Network} magic={n.Magic} node={n.NodeId} listen={n.Listen ?? "-"} inbound={n.Inbound} outbound={n.Outbound} minfee={n.MinFee}");
                break;
            case AddressValidation v:
                output.WriteLine(v.Valid ? $"valid address={v.Address} mine={(v.Mine ? "yes" : "no")}" : $"invalid: {v.Reason}");
                break;
            case FeeEstimate fee:
                output.WriteLine($"fee={fee.Fee} minfee={fee.MinFee} mempool={fee.Mempool} median={fee.MedianFee}");
                break;
            case StopInfo:
                output.WriteLine("stopping");
                break;
            default:
                throw new ArgumentException($"no console form for {result.GetType().Name}", nameof(result));
        }
    }

    /// <summary>A transaction on one line, as <c>mempool</c>, <c>block</c> and <c>tx</c> show it.</summary>
    public static string Describe(TransactionInfo tx) => tx.Coinbase
        ? $"{tx.Id} coinbase -> {tx.Recipient} {tx.Amount} height={tx.Nonce}"
        : $"{tx.Id} {tx.Sender} -> {tx.Recipient} {tx.Amount} fee={tx.Fee} nonce={tx.Nonce}";

    private static void WriteHeader(HeaderInfo h, TextWriter output)
    {
        output.WriteLine($"hash={h.Hash}");
        output.WriteLine($"height={h.Height} previous={h.Previous} merkle={h.Merkle}");
        output.WriteLine(h.Work is null ? $"time={h.Time} bits={h.Bits} nonce={h.Nonce}" : $"time={h.Time} bits={h.Bits} nonce={h.Nonce} work={h.Work}");
        if (h.Seal is { } seal)
        {
            var vote = seal.Vote is null ? "none" : $"{seal.Vote} {seal.Candidate}";
            output.WriteLine(seal.Checkpoint is null ? $"signer={seal.Signer} vote={vote}" : $"signer={seal.Signer} vote={vote} checkpoint={string.Join(',', seal.Checkpoint)}");
        }
    }

    private static void WriteBlock(BlockInfo block, TextWriter output)
    {
        WriteHeader(block.Header, output);
        output.WriteLine($"transactions={block.Transactions.Count}");
        Span<char> nonce = stackalloc char[20];
        foreach (var tx in block.Transactions)
        {
            // Describe(tx) indented, written piece by piece: a block has thousands of lines, and a string per line
            // (two with the indent) was most of the answer's garbage.
            output.Write("  ");
            output.Write(tx.Id);
            if (tx.Coinbase)
            {
                output.Write(" coinbase -> ");
                output.Write(tx.Recipient);
                output.Write(' ');
                output.Write(tx.Amount);
                output.Write(" height=");
            }
            else
            {
                output.Write(' ');
                output.Write(tx.Sender);
                output.Write(" -> ");
                output.Write(tx.Recipient);
                output.Write(' ');
                output.Write(tx.Amount);
                output.Write(" fee=");
                output.Write(tx.Fee);
                output.Write(" nonce=");
            }

            tx.Nonce.TryFormat(nonce, out var written, default, CultureInfo.InvariantCulture);
            output.WriteLine(nonce[..written]);
        }
    }
}
