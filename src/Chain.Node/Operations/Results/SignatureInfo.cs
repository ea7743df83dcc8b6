namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>sign</c>: the RSA-PSS signature, base64.</summary>
public sealed record SignatureInfo(string Signature);
