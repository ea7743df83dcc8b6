using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Network.Handshake;

/// <summary>What two peers must share to talk: the network magic and the genesis block hash.</summary>
public readonly record struct NetworkIdentity(uint Magic, Hash256 GenesisHash)
{
    /// <summary>The identity of a known network.</summary>
    public static NetworkIdentity From(NetworkParameters network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return new NetworkIdentity(network.Magic, network.GenesisHash);
    }
}
