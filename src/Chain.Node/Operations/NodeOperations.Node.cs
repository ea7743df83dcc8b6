using System.Globalization;
using System.Net;
using System.Reflection;
using Chain.Core.Consensus;
using Chain.Core.Ledger;
using Chain.Core.Mining;
using Chain.Node.Operations.Results;
using Chain.Node.Services;

namespace Chain.Node.Operations;

/// <summary>The node's own operations: status, peers, dialling, mining and the network it is on.</summary>
public sealed partial class NodeOperations
{
    /// <summary>This build's version: the assembly's informational version (with the commit when built from git).</summary>
    public static string Version { get; } =
        typeof(NodeOperations).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>
    /// Height, tip, peers, mempool, difficulty, hash rate (over the last <see cref="Miner.RateWindow"/>), whether
    /// continuous mining is on, this node's id, version, seconds since it started, this wallet's immature coinbase
    /// rewards, and while a connected peer announced (in its handshake) a best height above this node's, the progress
    /// towards the highest such height.
    /// </summary>
    public StatusInfo Status()
    {
        var tip = chain.Tip;
        var difficulty = chain.Engine.DisplayDifficulty(tip.Header);
        var uptime = (long)_time.GetElapsedTime(_started).TotalSeconds;
        var connected = peers.Peers;
        var target = connected.Count == 0 ? 0 : connected.Max(p => p.BestHeight);
        var sync = target > tip.Height ? string.Create(CultureInfo.InvariantCulture, $"{tip.Height}/{target}") : null;
        return new StatusInfo(tip.Height, tip.Hash.ToString(), connected.Count, chain.MempoolCount, difficulty, miner.HashRate, mining.IsOn, peers.NodeId, Version, uptime, Money.Format(chain.GetImmatureBalance(wallet.Address)), sync);
    }

    /// <summary>The connected peers.</summary>
    public PeerList Peers() =>
        new([.. peers.Peers.Select(PeerInfo.Of)]);

    /// <summary>
    /// Dials a neighbour (<c>host:port[@node-id]</c>) and remembers it (dialled at every start, redialled when lost);
    /// a node already connected is answered as such, without a second connection.
    /// </summary>
    public async Task<ConnectInfo> ConnectAsync(string endpoint, CancellationToken cancellationToken)
    {
        var dial = await peers.ConnectAsync(endpoint, cancellationToken);
        return dial.Error is null ? new ConnectInfo(endpoint, dial.NodeId, dial.AlreadyConnected) : throw new OperationException(OperationError.Failed, dial.Error);
    }

    /// <summary>Closes the connections to a peer (node id or endpoint) and stops dialling it, at this start and the next.</summary>
    public DisconnectInfo Disconnect(string target)
    {
        var result = peers.Disconnect(target)
            ?? throw new OperationException(OperationError.NotFound, $"no peer or remembered neighbour '{OperationParsers.Echo(target)}' (see peers)");
        return new DisconnectInfo(
            [.. result.Closed.Select(PeerInfo.Of)],
            result.Forgotten);
    }

    /// <summary>Bans an address for a while: refused at accept, never dialled, its peers disconnected; kept across restarts.</summary>
    public BanInfo Ban(IPAddress address, TimeSpan duration) => Describe(peers.Ban(address, duration));

    /// <summary>Lifts the ban on an address.</summary>
    public UnbanInfo Unban(IPAddress address) =>
        peers.Unban(address) ? new UnbanInfo(address.ToString()) : throw new OperationException(OperationError.NotFound, $"{address} is not banned (see bans)");

    /// <summary>The bans in force, soonest to end first.</summary>
    public BanListing Bans() => new([.. peers.Bans.Select(Describe)]);

    private BanInfo Describe(BanSummary ban) => new(
        ban.Address,
        Time(ban.Created.ToUnixTimeSeconds()),
        Time(ban.Until.ToUnixTimeSeconds()),
        Math.Max(0, (long)Math.Ceiling((ban.Until - _time.GetUtcNow()).TotalSeconds)));

    /// <summary>
    /// Mines <paramref name="count"/> blocks now, paying this wallet, logging each as it is found (with the hash
    /// rate). Cancelled (Ctrl+C at the console), it says how many of the blocks were mined.
    /// </summary>
    public async Task<MinedBlocks> MineAsync(int count, CancellationToken cancellationToken)
    {
        var blocks = new List<MinedBlock>(count);
        var lastLine = _time.GetTimestamp();
        NodeLog.MineStarting(_logger, count, chain.Engine.DisplayDifficulty(chain.Tip.Header));
        try
        {
            for (var i = 0; i < count; i++)
            {
                var block = await miner.ProduceBlockAsync(wallet, options.Value.ResolvedMinerThreads, cancellationToken);
                blocks.Add(new MinedBlock(block.Height, block.Hash.ToString()));
                // The first and last block, and one in between every TipLog.Interval: a dev 'mine 1000' is not 1000 lines.
                if (blocks.Count == 1 || blocks.Count == count || _time.GetElapsedTime(lastLine) >= TipLog.Interval)
                {
                    NodeLog.MineProgress(_logger, blocks.Count, count, block.Height, block.Hash.ToString(), miner.HashRate);
                    lastLine = _time.GetTimestamp();
                }
            }
        }
        catch (SealingRefusedException refused)
        {
            throw new OperationException(OperationError.Failed, $"mine: this node may not seal: {refused.Message}");
        }
        catch (OperationCanceledException)
        {
            var last = blocks.Count == 0 ? string.Empty : $" (last: {blocks[^1].Height} {blocks[^1].Hash})";
            throw new OperationException(OperationError.Failed, $"mine cancelled after {blocks.Count} of {count} blocks{last}");
        }

        return new MinedBlocks(blocks);
    }

    /// <summary>Turns continuous mining on or off.</summary>
    public MiningInfo Mining(bool on)
    {
        mining.Set(on);
        return new MiningInfo(on);
    }

    /// <summary>
    /// Sets what this node proposes in its next sealed blocks on a proof-of-authority network: adding or removing
    /// <paramref name="candidate"/>, or (<c>clear</c>) nothing.
    /// </summary>
    public VoteInfo Vote(string candidate, string? kind)
    {
        if (chain.Engine is not PoaEngine)
        {
            throw new OperationException(OperationError.Failed, $"network {chain.Network.Name} runs {chain.Engine.Parameters.Engine}: there are no signers to vote on");
        }

        if (string.Equals(candidate, "clear", StringComparison.OrdinalIgnoreCase) && kind is null)
        {
            miner.Sealer.Vote = SignerVote.None;
            return new VoteInfo(string.Empty, "none");
        }

        var address = OperationParsers.Address(chain.Network, candidate);
        var vote = kind?.ToLowerInvariant() switch
        {
            "add" => VoteKind.Add,
            "remove" => VoteKind.Remove,
            _ => throw OperationException.Invalid("usage: vote <address> add|remove | vote clear"),
        };
        miner.Sealer.Vote = new SignerVote(address, vote);
        return new VoteInfo(chain.Network.FormatAddress(address), vote == VoteKind.Add ? "add" : "remove");
    }

    /// <summary>The network this node is on, its identity, where it listens and how many peers each way.</summary>
    public NetworkInfo NetworkInfo()
    {
        var list = peers.Peers;
        var inbound = list.Count(p => p.Inbound);
        return new NetworkInfo(
            chain.Network.Name,
            string.Create(CultureInfo.InvariantCulture, $"0x{chain.Network.Magic:x8}"),
            peers.NodeId,
            peers.ListenEndpoint,
            inbound,
            list.Count - inbound,
            Money.Format(chain.Network.MinFee));
    }
}
