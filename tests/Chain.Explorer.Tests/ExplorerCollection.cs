namespace Chain.Explorer.Tests;

/// <summary>The explorer's tests share one pair of nodes and one browser.</summary>
[CollectionDefinition(Name)]
public sealed class ExplorerCollection : ICollectionFixture<ExplorerNodesFixture>
{
    public const string Name = "explorer";
}
