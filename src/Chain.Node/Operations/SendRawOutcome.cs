using Chain.Node.Operations.Results;

namespace Chain.Node.Operations;

/// <summary>What <see cref="NodeOperations.SendRaw(byte[])"/> gave for one transaction of a batch: its answer, or the error it would have thrown.</summary>
/// <param name="Answer">The accepted transaction's id; null when refused.</param>
/// <param name="Error">Why it was refused; null when accepted.</param>
public readonly record struct SendRawOutcome(SendInfo? Answer, OperationException? Error);
