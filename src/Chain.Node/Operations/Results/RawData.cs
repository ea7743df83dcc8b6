namespace Chain.Node.Operations.Results;

/// <summary>The raw form of a block or transaction: ENCODING.md's encoding as lower-case hex.</summary>
public sealed record RawData(string Hex);
