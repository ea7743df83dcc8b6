namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>verify</c>.</summary>
public sealed record VerifyInfo(bool Valid);
