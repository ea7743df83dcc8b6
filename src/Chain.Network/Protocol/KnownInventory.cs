using Chain.Core.Crypto;

namespace Chain.Network.Protocol;

/// <summary>
/// Ids a peer is known to have (it announced or sent them, or we sent them to it), so nothing is announced
/// to it twice or sent back to where it came from. Bounded: the oldest ids are forgotten first.
/// </summary>
public sealed class KnownInventory
{
    /// <summary>Ids remembered per peer.</summary>
    public const int Capacity = 100_000;

    private readonly HashSet<Hash256> _ids = [];
    private readonly Queue<Hash256> _order = new();

    /// <summary>Number of ids remembered.</summary>
    public int Count => _ids.Count;

    /// <summary>Whether the id is remembered.</summary>
    public bool Contains(Hash256 id) => _ids.Contains(id);

    /// <summary>Remembers an id; false if it already was.</summary>
    public bool Add(Hash256 id)
    {
        if (!_ids.Add(id))
        {
            return false;
        }

        _order.Enqueue(id);
        if (_order.Count > Capacity)
        {
            _ids.Remove(_order.Dequeue());
        }

        return true;
    }
}
