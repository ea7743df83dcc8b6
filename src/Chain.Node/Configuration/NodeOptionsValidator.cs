using System.Net;
using Chain.Core.Wallets;
using Chain.Network.Peers;
using Microsoft.Extensions.Options;

namespace Chain.Node.Configuration;

/// <summary>Checks the settings at start; each failure names the setting and its switch.</summary>
public sealed class NodeOptionsValidator : IValidateOptions<NodeOptions>
{
    /// <summary>Most miner threads accepted.</summary>
    public const int MaxMinerThreads = 256;

    /// <summary>Largest block cache accepted, in MiB.</summary>
    public const int MaxBlockCacheMiB = 65_536;

    /// <summary>Largest state cache accepted, in MiB.</summary>
    public const int MaxStateCacheMiB = 65_536;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NodeOptions options)
    {
        var failures = new List<string>();
        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"--port (Node:Port): {options.Port} is not a port number (0-65535)");
        }

        if (options.Port == 0 && string.IsNullOrWhiteSpace(options.DataDir))
        {
            failures.Add("--data-dir (Node:DataDir): required with --port 0 (any free port): the default ./data/<port> would be ./data/0 whichever port is chosen");
        }

        if (File.Exists(options.ResolvedDataDir))
        {
            failures.Add($"--data-dir (Node:DataDir): '{options.ResolvedDataDir}' is a file, not a folder");
        }

        if (!IPAddress.TryParse(options.Bind, out _))
        {
            failures.Add($"--bind (Node:Bind): '{options.Bind}' is not an IP address");
        }

        if (options.RpcPort is < 0 or > 65535 || (options.RpcPort is null && options.Port is >= 0 and <= 65535 && options.Port + NodeOptions.RpcPortOffset > 65535))
        {
            failures.Add($"--rpc-port (Node:RpcPort): {options.ResolvedRpcPort} is not a port number (0-65535){(options.RpcPort is null ? "; with --port above 64535 give --rpc-port" : string.Empty)}");
        }

        if (!IPAddress.TryParse(options.RpcBind, out var rpcBind))
        {
            failures.Add($"--rpc-bind (Node:RpcBind): '{options.RpcBind}' is not an IP address");
        }
        else if (!options.NoRpc && !IPAddress.IsLoopback(rpcBind) && options.RpcAuthList.Count == 0)
        {
            // Without a configured user only the cookie authenticates, and only a local user can read it: an API
            // reachable from elsewhere would have no credentials a remote client could hold.
            failures.Add($"--rpc-bind (Node:RpcBind): {options.RpcBind} is not a loopback address, and no user is configured; give --rpc-auth (Node:RpcAuth) user:salt$hash (chain-cli rpcauth <user> makes one), or use an SSH tunnel");
        }

        foreach (var line in options.RpcAuthList)
        {
            if (Rpc.RpcUser.Parse(line, out var authError) is null)
            {
                failures.Add($"--rpc-auth (Node:RpcAuth): {authError} (chain-cli rpcauth <user> makes one)");
            }
        }

        if (NetworkSource.TryResolve(options.Network, out var networkErrors) is null)
        {
            failures.AddRange(networkErrors);
        }

        if (options.BlockCacheMiB is < 0 or > MaxBlockCacheMiB)
        {
            failures.Add($"--block-cache (Node:BlockCacheMiB): {options.BlockCacheMiB} is not between 0 and {MaxBlockCacheMiB} MiB");
        }

        if (options.StateCacheMiB is < 0 or > MaxStateCacheMiB)
        {
            failures.Add($"--state-cache (Node:StateCacheMiB): {options.StateCacheMiB} is not between 0 and {MaxStateCacheMiB} MiB");
        }

        if (options.MinerThreads is < 0 or > MaxMinerThreads)
        {
            failures.Add($"--miner-threads (Node:MinerThreads): {options.MinerThreads} is not between 0 and {MaxMinerThreads}");
        }

        foreach (var peer in options.PeerList)
        {
            if (!PeerAddress.TryParse(peer, out _, out var error))
            {
                failures.Add($"--peers (Node:Peers): '{peer}': {error}");
            }
        }

        if (options.ImportKey.Length > 0 && !File.Exists(options.ImportKey))
        {
            failures.Add($"--import-key (Node:ImportKey): file '{options.ImportKey}' not found");
        }

        if (options.SignerKey.Length > 0)
        {
            if (!File.Exists(options.SignerKey))
            {
                failures.Add($"--signer-key (Node:SignerKey): file '{options.SignerKey}' not found");
            }
            else
            {
                try
                {
                    using var key = WalletFile.ReadImportKey(options.SignerKey);
                }
                catch (WalletException e)
                {
                    failures.Add($"--signer-key (Node:SignerKey): {e.Message}");
                }
            }
        }

        if (options.WalletPassphraseFile.Length > 0 && !File.Exists(options.WalletPassphraseFile))
        {
            failures.Add($"--wallet-passphrase-file (Node:WalletPassphraseFile): file '{options.WalletPassphraseFile}' not found");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
