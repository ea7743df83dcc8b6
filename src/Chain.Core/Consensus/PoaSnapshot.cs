using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Core.Consensus;

/// <summary>
/// The proof-of-authority state after one block (Clique's snapshot): the authorised signers in turn order (ascending
/// address bytes), who sealed the most recent blocks, and the votes cast since the last checkpoint with their tallies.
/// Immutable: <see cref="Apply"/> returns the state after the next block, so snapshots of blocks on different branches
/// never share anything that changes.
/// </summary>
public sealed class PoaSnapshot
{
    private readonly Address[] _signers;
    private readonly Dictionary<uint, Address> _recents;
    private readonly List<CastVote> _votes;
    private readonly Dictionary<Address, Tally> _tally;

    private PoaSnapshot(uint height, Hash256 hash, Address[] signers, Dictionary<uint, Address> recents, List<CastVote> votes, Dictionary<Address, Tally> tally)
    {
        Height = height;
        Hash = hash;
        _signers = signers;
        _recents = recents;
        _votes = votes;
        _tally = tally;
    }

    /// <summary>The height of the block this state follows.</summary>
    public uint Height { get; }

    /// <summary>The hash of the block this state follows.</summary>
    public Hash256 Hash { get; }

    /// <summary>The authorised signers, in turn order: ascending by address bytes.</summary>
    public IReadOnlyList<Address> Signers => _signers;

    /// <summary>
    /// How many consecutive blocks may hold at most one block of each signer: floor(N/2) + 1 for N signers, so a signer
    /// who sealed one of the last floor(N/2) blocks waits.
    /// </summary>
    public int RecentLimit => (_signers.Length / 2) + 1;

    /// <summary>Votes for <paramref name="candidate"/> since the last checkpoint, and whether they add or remove it (None when none).</summary>
    public (VoteKind Kind, int Votes) TallyOf(Address candidate) =>
        _tally.TryGetValue(candidate, out var tally) ? (tally.Kind, tally.Votes) : (VoteKind.None, 0);

    /// <summary>The state at genesis: <paramref name="signers"/> authorised, no recent blocks, no votes.</summary>
    public static PoaSnapshot Genesis(Hash256 genesisHash, IEnumerable<Address> signers)
    {
        var sorted = signers.Distinct().Order().ToArray();
        return new PoaSnapshot(0, genesisHash, sorted, [], [], []);
    }

    /// <summary>
    /// The state after a checkpoint at <paramref name="height"/>: the <paramref name="signers"/> it lists (in turn
    /// order), no votes, and the sealers of the last floor(N/2) + 1 blocks up to it, by height.
    /// </summary>
    public static PoaSnapshot Checkpoint(uint height, Hash256 hash, IReadOnlyList<Address> signers, IReadOnlyDictionary<uint, Address> recents)
    {
        ArgumentNullException.ThrowIfNull(signers);
        ArgumentNullException.ThrowIfNull(recents);
        return new PoaSnapshot(height, hash, [.. signers.Order()], new Dictionary<uint, Address>(recents), [], []);
    }

    /// <summary>Whether <paramref name="signer"/> is authorised.</summary>
    public bool IsAuthorized(Address signer) => Array.BinarySearch(_signers, signer) >= 0;

    /// <summary>The signer whose turn the block at <paramref name="height"/> is: signers[height mod N].</summary>
    public Address InTurn(uint height) => _signers[(int)(height % (uint)_signers.Length)];

    /// <summary>
    /// The height of the block <paramref name="signer"/> sealed among the last floor(N/2) blocks before
    /// <paramref name="height"/>, which forbids it to seal that block; null when it may.
    /// </summary>
    public uint? SealedRecently(Address signer, uint height)
    {
        foreach (var (seen, recent) in _recents)
        {
            if (recent == signer && (long)seen > (long)height - RecentLimit)
            {
                return seen;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="vote"/> would count: adding a non-signer while there are fewer than
    /// <see cref="BlockHeader.MaxSigners"/> (a checkpoint must be able to list them all), or removing a signer who is
    /// not the last.
    /// </summary>
    public bool IsValidVote(SignerVote vote) => vote.Kind switch
    {
        VoteKind.Add => vote.Candidate != Address.Zero && !IsAuthorized(vote.Candidate) && _signers.Length < BlockHeader.MaxSigners,
        VoteKind.Remove => IsAuthorized(vote.Candidate) && _signers.Length > 1,
        _ => false,
    };

    /// <summary>
    /// The state after <paramref name="header"/>, a block on this one whose seal and signer were checked: it becomes
    /// recent; at a checkpoint (a height that is a multiple of <paramref name="epoch"/>) the votes are cleared; else its
    /// vote replaces the signer's earlier vote on the same candidate and, once more than half the signers agree, the
    /// candidate is added or removed and every vote on it dropped (with the votes a removed signer had cast).
    /// </summary>
    public PoaSnapshot Apply(BlockHeader header, int epoch)
    {
        ArgumentNullException.ThrowIfNull(header);
        var height = header.Height;
        var signers = new List<Address>(_signers);
        var recents = new Dictionary<uint, Address>(_recents);
        var votes = new List<CastVote>(_votes);
        var tally = new Dictionary<Address, Tally>(_tally);
        if (height % (uint)epoch == 0)
        {
            votes.Clear();
            tally.Clear();
        }

        var limit = (uint)(signers.Count / 2) + 1;
        if (height >= limit)
        {
            recents.Remove(height - limit);
        }

        var signer = header.Signer;
        recents[height] = signer;
        var vote = header.Vote;
        if (vote.Kind != VoteKind.None)
        {
            // One vote per signer per candidate: a new vote replaces the old.
            var earlier = votes.FindIndex(v => v.Signer == signer && v.Candidate == vote.Candidate);
            if (earlier >= 0)
            {
                Uncast(tally, votes[earlier]);
                votes.RemoveAt(earlier);
            }

            if (IsValidVote(vote))
            {
                var current = tally.GetValueOrDefault(vote.Candidate);
                if (current.Votes == 0 || current.Kind == vote.Kind)
                {
                    tally[vote.Candidate] = new Tally(vote.Kind, current.Votes + 1);
                    votes.Add(new CastVote(signer, vote.Candidate, vote.Kind));
                }
            }

            // An addition passes only while there is room: with the most signers a checkpoint can list, the tally
            // stays pending (a removal first makes room).
            if (tally.TryGetValue(vote.Candidate, out var passed) && passed.Votes > signers.Count / 2
                && (passed.Kind != VoteKind.Add || signers.Count < BlockHeader.MaxSigners))
            {
                if (passed.Kind == VoteKind.Add)
                {
                    signers.Add(vote.Candidate);
                }
                else
                {
                    signers.Remove(vote.Candidate);
                    limit = (uint)(signers.Count / 2) + 1;
                    if (height >= limit)
                    {
                        recents.Remove(height - limit);
                    }

                    foreach (var cast in votes.Where(v => v.Signer == vote.Candidate).ToList())
                    {
                        Uncast(tally, cast);
                        votes.Remove(cast);
                    }
                }

                votes.RemoveAll(v => v.Candidate == vote.Candidate);
                tally.Remove(vote.Candidate);
            }
        }

        signers.Sort();
        return new PoaSnapshot(height, header.Hash, [.. signers], recents, votes, tally);
    }

    private static void Uncast(Dictionary<Address, Tally> tally, CastVote vote)
    {
        if (tally.TryGetValue(vote.Candidate, out var current) && current.Kind == vote.Kind)
        {
            if (current.Votes > 1)
            {
                tally[vote.Candidate] = current with { Votes = current.Votes - 1 };
            }
            else
            {
                tally.Remove(vote.Candidate);
            }
        }
    }

    private readonly record struct CastVote(Address Signer, Address Candidate, VoteKind Kind);

    private readonly record struct Tally(VoteKind Kind, int Votes);
}
