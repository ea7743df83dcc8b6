namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>connect</c>: the endpoint as given, the node reached there, and whether it was connected before (nothing new was made).</summary>
public sealed record ConnectInfo(string Connected, string NodeId, bool AlreadyConnected);
