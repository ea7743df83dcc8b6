using Chain.Core.Ledger;

namespace Chain.Core.Persistence;

/// <summary>A block read from the block file with the position of its record (what <see cref="IBlockArchive.Read"/> takes).</summary>
public readonly record struct StoredBlock(long Position, Block Block);
