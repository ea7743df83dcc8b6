namespace Chain.Node.Operations.Results;

/// <summary>One block mined by <c>mine</c>.</summary>
public sealed record MinedBlock(uint Height, string Hash);
