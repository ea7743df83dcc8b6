using System.Net;
using System.Net.Sockets;

namespace Chain.Node.Configuration;

/// <summary>
/// Tries the peer and API ports before anything is written, so a port in use or an address this machine does not
/// have stops the node with one line naming the setting, before wallet.json and node.key exist. (The listeners bind
/// again at start; a port taken in between is still reported there.)
/// </summary>
public static class PortCheck
{
    /// <summary>The first port that cannot be bound, as an error naming its setting; null when all can (port 0 always can).</summary>
    public static string? FirstProblem(NodeOptions options)
    {
        if (Try(options.Bind, options.Port) is { } peer)
        {
            return $"--port (Node:Port) / --bind (Node:Bind): cannot listen on {options.Bind}:{options.Port}: {peer}";
        }

        return !options.NoRpc && Try(options.RpcBind, options.ResolvedRpcPort) is { } rpc
            ? $"--rpc-port (Node:RpcPort) / --rpc-bind (Node:RpcBind): cannot listen on {options.RpcBind}:{options.ResolvedRpcPort}: {rpc}"
            : null;
    }

    private static string? Try(string address, int port)
    {
        if (port == 0 || !IPAddress.TryParse(address, out var ip))
        {
            return null;
        }

        using var listener = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // As the listeners bind: a port whose old connections linger in TIME_WAIT is free, one listened on is not.
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(ip, port));
            return null;
        }
        catch (SocketException e)
        {
            return e.Message;
        }
    }
}
