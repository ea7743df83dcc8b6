namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>connect</c>: the endpoint now connected, as given.</summary>
public sealed record ConnectInfo(string Connected);
