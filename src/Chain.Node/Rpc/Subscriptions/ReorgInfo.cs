namespace Chain.Node.Rpc.Subscriptions;

/// <summary>
/// A reorganisation seen in a <c>tips</c> notification: <see cref="Depth"/> blocks left the best chain, the old tip
/// first in <see cref="Disconnected"/>; <see cref="ForkHeight"/> is the height of the last block both chains share.
/// </summary>
public sealed record ReorgInfo(int Depth, string OldTip, uint OldHeight, uint ForkHeight, IReadOnlyList<string> Disconnected);
