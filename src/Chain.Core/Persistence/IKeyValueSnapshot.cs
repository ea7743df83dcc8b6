namespace Chain.Core.Persistence;

/// <summary>A read-only view of a key-value store frozen when it was taken (<see cref="IKeyValueStore.GetSnapshot"/>).</summary>
public interface IKeyValueSnapshot : IKeyValueReader, IDisposable;
