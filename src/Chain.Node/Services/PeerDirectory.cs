using Chain.Network.Peers;

namespace Chain.Node.Services;

/// <summary>The console's view of the <see cref="PeerManager"/>.</summary>
public sealed class PeerDirectory(PeerManager peers) : IPeerDirectory
{
    /// <inheritdoc />
    public IReadOnlyList<PeerSummary> Peers =>
        [.. peers.Peers.Select(p => new PeerSummary(p.RemoteEndPoint.ToString(), p.NodeId, p.IsInbound))];

    /// <inheritdoc />
    public string NodeId => peers.NodeId;

    /// <inheritdoc />
    public string? ListenEndpoint => peers.LocalEndPoint?.ToString();

    /// <inheritdoc />
    public async Task<string?> ConnectAsync(string endpoint, CancellationToken cancellationToken)
    {
        if (!PeerAddress.TryParse(endpoint, out var address, out var error))
        {
            return error;
        }

        try
        {
            await peers.ConnectAsync(address, cancellationToken);
            return null;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or Chain.Network.Transport.PeerProtocolException or TimeoutException or OperationCanceledException)
        {
            return $"could not connect to {endpoint}: {e.Message}";
        }
    }
}
