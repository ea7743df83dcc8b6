namespace Chain.Core.Persistence;

/// <summary>
/// The chain state store disagrees with itself or with the block file in a way no crash of this node explains (or
/// belongs to another network or format). Nothing is changed; <c>--reindex</c> rebuilds the store from the block file.
/// </summary>
public sealed class ChainStateStoreException(string message, Exception? innerException = null) : Exception(message, innerException);
