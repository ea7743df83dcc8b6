using System.Globalization;
using System.Net;
using System.Text;
using Chain.Core.Persistence;
using Chain.Network.Handshake;
using Chain.Network.Peers;
using Chain.Network.Transport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Services;

/// <summary>
/// The operations' view of the <see cref="PeerManager"/>, and what the operator told it that outlives a restart:
/// the neighbours added with <c>connect</c> (<see cref="PeersFileName"/>) and the bans (<see cref="BansFileName"/>),
/// each a small text file in the data folder, replaced whole (<see cref="AtomicFile"/>) at every change. Bans are put
/// back before the listener accepts anyone; remembered neighbours are dialled once the node has started.
/// </summary>
public sealed partial class PeerDirectory(PeerManager peers, DataFolder data, ILogger<PeerDirectory> logger) : IPeerDirectory, IHostedLifecycleService
{
    /// <summary>The neighbours added with <c>connect</c>: one <c>host:port[@node-id]</c> a line.</summary>
    public const string PeersFileName = "peers.txt";

    /// <summary>The bans: one <c>&lt;address&gt; &lt;created&gt; &lt;until&gt;</c> a line, times as UTC <c>yyyy-MM-ddTHH:mm:ssZ</c>.</summary>
    public const string BansFileName = "bans.txt";

    private const string TimeFormat = "yyyy-MM-ddTHH:mm:ssZ";

    private readonly Lock _files = new();
    private readonly List<PeerAddress> _remembered = [];

    /// <inheritdoc />
    public IReadOnlyList<PeerSummary> Peers =>
        [.. peers.Peers.Select(PeerSummary.Of)];

    /// <inheritdoc />
    public string NodeId => peers.NodeId;

    /// <inheritdoc />
    public string? ListenEndpoint => peers.LocalEndPoint?.ToString();

    /// <summary>The neighbours remembered in <see cref="PeersFileName"/>.</summary>
    public IReadOnlyList<PeerAddress> Remembered
    {
        get
        {
            lock (_files)
            {
                return [.. _remembered];
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<BanSummary> Bans => [.. peers.Bans.Select(Summarise)];

    /// <inheritdoc />
    public async Task<DialResult> ConnectAsync(string endpoint, CancellationToken cancellationToken)
    {
        if (!PeerAddress.TryParse(endpoint, out var address, out var error))
        {
            return new DialResult(error);
        }

        DialOutcome outcome;
        try
        {
            outcome = await peers.DialOnceAsync(address, cancellationToken);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or PeerProtocolException or TimeoutException or OperationCanceledException)
        {
            return new DialResult($"could not connect to {endpoint}: {e.Message}");
        }

        peers.AddNeighbour(address, outcome.Connection);
        Remember(address);
        return new DialResult(null, outcome.Connection.NodeId, outcome.AlreadyConnected);
    }

    /// <inheritdoc />
    public DisconnectResult? Disconnect(string target)
    {
        var text = target.Trim();
        var nodeId = NodeKey.IsValidNodeId(text.ToLowerInvariant()) ? text.ToLowerInvariant() : null;
        PeerAddress.TryParse(text, out var address, out _);
        IPEndPoint? endPoint = address is not null && IPAddress.TryParse(address.Host, out var ip) ? new IPEndPoint(ip, address.Port) : null;
        var closing = peers.Peers
            .Where(p => p.NodeId == nodeId
                || (address?.NodeId is { } pinned && p.NodeId == pinned)
                || (endPoint is not null && p.RemoteEndPoint.Equals(endPoint)))
            .ToList();
        // A neighbour is known by its host and port as given, by the node it last reached, and (an IP given) by the
        // endpoint of the outbound connection to it.
        List<PeerAddress> addresses = [.. address is null ? [] : new[] { address }, .. closing.Where(p => !p.IsInbound).Select(p => new PeerAddress(p.RemoteEndPoint.Address.ToString(), p.RemoteEndPoint.Port))];
        List<string> ids = [.. closing.Select(p => p.NodeId), .. nodeId is null ? [] : new[] { nodeId }];
        var forgotten = peers.RemoveNeighbours(addresses, ids).ToList();
        forgotten.AddRange(Forget([.. forgotten, .. addresses], ids));
        foreach (var peer in closing)
        {
            _ = peer.DisconnectAsync(DisconnectCode.Closed, "disconnected by the operator");
        }

        var forgottenText = forgotten.Select(a => new PeerAddress(a.Host, a.Port).ToString()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return closing.Count == 0 && forgottenText.Count == 0
            ? null
            : new DisconnectResult([.. closing.Select(PeerSummary.Of)], forgottenText);
    }

    /// <inheritdoc />
    public BanSummary Ban(IPAddress address, TimeSpan duration)
    {
        var ban = peers.Ban(address, duration);
        SaveBans();
        LogBanned(logger, ban.Address.ToString(), ban.Until.ToString(TimeFormat, CultureInfo.InvariantCulture));
        return Summarise(ban);
    }

    /// <inheritdoc />
    public bool Unban(IPAddress address)
    {
        var lifted = peers.Unban(address);
        SaveBans();
        if (lifted)
        {
            LogUnbanned(logger, address.ToString());
        }

        return lifted;
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // Before the listener starts: a banned address must not get in during the first moments.
        foreach (var ban in ReadBans())
        {
            peers.RestoreBan(ban);
        }

        lock (_files)
        {
            _remembered.AddRange(ReadPeers());
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        foreach (var address in Remembered)
        {
            peers.AddNeighbour(address);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static BanSummary Summarise(BanEntry ban) => new(ban.Address.ToString(), ban.Created, ban.Until);

    private static bool SameHostAndPort(PeerAddress a, PeerAddress b) =>
        a.Port == b.Port && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase);

    private void Remember(PeerAddress address)
    {
        lock (_files)
        {
            var index = _remembered.FindIndex(a => SameHostAndPort(a, address));
            if (index >= 0 && _remembered[index] == address)
            {
                return;
            }

            if (index >= 0)
            {
                _remembered[index] = address;
            }
            else
            {
                _remembered.Add(address);
            }

            SavePeers();
        }
    }

    // Drops from the file the entries at these hosts and ports, and those pinned to these node ids.
    private List<PeerAddress> Forget(IReadOnlyList<PeerAddress> addresses, IReadOnlyList<string> nodeIds)
    {
        lock (_files)
        {
            var gone = _remembered.Where(a => addresses.Any(b => SameHostAndPort(a, b)) || (a.NodeId is not null && nodeIds.Contains(a.NodeId, StringComparer.OrdinalIgnoreCase))).ToList();
            if (gone.Count > 0)
            {
                _remembered.RemoveAll(gone.Contains);
                SavePeers();
            }

            return gone;
        }
    }

    // Under _files.
    private void SavePeers() =>
        AtomicFile.Write(Path.Combine(data.Path, PeersFileName), Encoding.UTF8.GetBytes(string.Concat(_remembered.Select(a => a + "\n"))));

    private void SaveBans()
    {
        lock (_files)
        {
            var lines = peers.Bans.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Address} {b.Created.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)} {b.Until.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}\n"));
            AtomicFile.Write(Path.Combine(data.Path, BansFileName), Encoding.UTF8.GetBytes(string.Concat(lines)));
        }
    }

    private List<PeerAddress> ReadPeers()
    {
        var result = new List<PeerAddress>();
        foreach (var (line, number) in ReadLines(PeersFileName))
        {
            if (PeerAddress.TryParse(line, out var address, out var error))
            {
                if (!result.Any(a => SameHostAndPort(a, address)))
                {
                    result.Add(address);
                }
            }
            else
            {
                LogBadLine(logger, PeersFileName, number, error);
            }
        }

        return result;
    }

    private List<BanEntry> ReadBans()
    {
        var result = new List<BanEntry>();
        foreach (var (line, number) in ReadLines(BansFileName))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3
                && IPAddress.TryParse(parts[0], out var address)
                && DateTimeOffset.TryParseExact(parts[1], TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created)
                && DateTimeOffset.TryParseExact(parts[2], TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var until))
            {
                result.Add(new BanEntry(address, created, until));
            }
            else
            {
                LogBadLine(logger, BansFileName, number, "expected <address> <created> <until>");
            }
        }

        return result;
    }

    // The file's lines, blank ones and # comments skipped, with their numbers; none when there is no file.
    private IEnumerable<(string Line, int Number)> ReadLines(string name)
    {
        var path = Path.Combine(data.Path, name);
        if (!File.Exists(path))
        {
            return [];
        }

        return File.ReadAllLines(path)
            .Select((line, i) => (Line: line.Trim(), Number: i + 1))
            .Where(l => l.Line.Length > 0 && !l.Line.StartsWith('#'))
            .ToList();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Banned {Address} until {Until}")]
    private static partial void LogBanned(ILogger logger, string address, string until);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ban on {Address} lifted")]
    private static partial void LogUnbanned(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File} line {Line} is ignored: {Reason}")]
    private static partial void LogBadLine(ILogger logger, string file, int line, string reason);
}
