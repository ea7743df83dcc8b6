namespace Chain.Node.Rpc;

/// <summary>The JSON-RPC 2.0 error codes the API answers (API.md "Errors").</summary>
public static class RpcErrorCodes
{
    /// <summary>The body is not JSON.</summary>
    public const int ParseError = -32700;

    /// <summary>JSON, but not a JSON-RPC 2.0 request (or an empty or oversized batch).</summary>
    public const int InvalidRequest = -32600;

    /// <summary>No method of that name.</summary>
    public const int MethodNotFound = -32601;

    /// <summary>A parameter is missing, unknown or malformed.</summary>
    public const int InvalidParams = -32602;

    /// <summary>An unexpected failure inside the node (logged); the node goes on.</summary>
    public const int InternalError = -32603;

    /// <summary>The operation could not be done (a dial that failed).</summary>
    public const int Failed = -32000;

    /// <summary>The block, transaction or key asked for is not known.</summary>
    public const int NotFound = -32004;

    /// <summary>The ledger refused the transaction.</summary>
    public const int Refused = -32010;
}
