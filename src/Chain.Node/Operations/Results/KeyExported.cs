namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>wallet export</c>: the full path of the new PKCS#8 PEM file (the key itself is never in an answer).</summary>
public sealed record KeyExported(string File);
