namespace Chain.Node.Operations;

/// <summary>Why an operation refused; the API maps each to a JSON-RPC error code.</summary>
public enum OperationError
{
    /// <summary>A missing or malformed argument (JSON-RPC -32602).</summary>
    InvalidParams,

    /// <summary>The block, transaction or key asked for is not known (-32004).</summary>
    NotFound,

    /// <summary>The ledger refused a transaction (-32010).</summary>
    Refused,

    /// <summary>The operation could not be done, such as a dial that failed (-32000).</summary>
    Failed,
}
