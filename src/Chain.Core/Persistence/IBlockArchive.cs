using Chain.Core.Ledger;

namespace Chain.Core.Persistence;

/// <summary>Where accepted blocks are written durably before anyone hears of them.</summary>
public interface IBlockArchive
{
    /// <summary>Appends <paramref name="block"/> and returns once it is on disk.</summary>
    void Append(Block block);
}
