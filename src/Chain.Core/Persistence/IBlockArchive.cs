using Chain.Core.Ledger;

namespace Chain.Core.Persistence;

/// <summary>Where accepted blocks are written durably before anyone hears of them, and read back by position.</summary>
public interface IBlockArchive
{
    /// <summary>
    /// Appends <paramref name="block"/> and returns once it is on disk, with the position to read it back from
    /// (<see cref="Read"/>); -1 when this archive keeps no copy to read back (the ledger then keeps the block in memory).
    /// </summary>
    long Append(Block block);

    /// <summary>The block appended at <paramref name="position"/>.</summary>
    Block Read(long position);

    /// <summary>The encoding (ENCODING.md) of the block appended at <paramref name="position"/>, read without decoding it.</summary>
    byte[] ReadEncoded(long position) => Read(position).Encode();

    /// <summary>
    /// The transaction whose encoding lies <paramref name="length"/> bytes long at <paramref name="offset"/> inside the
    /// encoding of the block appended at <paramref name="position"/>, read without decoding the whole block.
    /// </summary>
    Transaction ReadTransaction(long position, int offset, int length);
}
