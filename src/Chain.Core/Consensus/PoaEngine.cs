using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Core.Consensus;

/// <summary>
/// Proof of authority after Clique (EIP-225), sealed with RSA-PSS: each block is signed by an authorised signer, whose
/// public key the sealed header carries, at least <see cref="PoaParameters.PeriodSeconds"/> after its parent; the
/// signer whose turn the height is (height mod N, signers in ascending address order) marks its block difficulty 2,
/// any other 1, and fork choice adds these up; a signer seals at most one of any floor(N/2)+1 consecutive blocks;
/// signers are added and removed by votes in headers, and every <see cref="PoaParameters.Epoch"/>-th block is a
/// checkpoint that clears the votes and lists the signers.
/// </summary>
public sealed class PoaEngine : IConsensusEngine
{
    /// <summary>The difficulty of a block sealed by the signer whose turn it is.</summary>
    public const uint DifficultyInTurn = 2;

    /// <summary>The difficulty of a block sealed by another authorised signer.</summary>
    public const uint DifficultyOutOfTurn = 1;

    /// <summary>Snapshots kept by block hash (computing one further back walks the ancestors from the nearest kept).</summary>
    public const int SnapshotCacheCapacity = 1_024;

    /// <summary>
    /// The unit of an out-of-turn signer's extra delay (Clique's wiggle): it waits one unit plus a random part of
    /// (floor(N/2)+1) units after the in-turn time, so the in-turn block usually arrives first and several out-of-turn
    /// signers seldom seal at once.
    /// </summary>
    public static readonly TimeSpan WiggleUnit = TimeSpan.FromMilliseconds(500);

    private readonly PoaParameters _parameters;
    private readonly PoaSnapshot _genesis;
    private readonly RsaPublicKeyCache _keys = new(64);
    private readonly Lock _lock = new();
    private readonly Dictionary<Hash256, LinkedListNode<PoaSnapshot>> _cache = [];
    private readonly LinkedList<PoaSnapshot> _recentlyUsed = new();

    /// <summary>Creates the engine for <paramref name="parameters"/> on the chain starting at <paramref name="genesisHash"/>.</summary>
    public PoaEngine(PoaParameters parameters, Hash256 genesisHash)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Signers.Count == 0 || parameters.Signers.Count > BlockHeader.MaxSigners || parameters.Epoch <= 0 || parameters.PeriodSeconds < 0)
        {
            throw new ArgumentException($"Proof of authority needs 1 to {BlockHeader.MaxSigners} signers, an epoch of at least 1 and a period of at least 0 seconds.", nameof(parameters));
        }

        _parameters = parameters;
        _genesis = PoaSnapshot.Genesis(genesisHash, parameters.Signers);
    }

    /// <inheritdoc />
    public ConsensusParameters Parameters => _parameters;

    /// <inheritdoc />
    public uint HeaderVersion => BlockHeader.SealedVersion;

    /// <inheritdoc />
    public int MaxHeaderSize => BlockHeader.MaxSize;

    /// <inheritdoc />
    public ConsensusCheck CheckSeal(BlockHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (!header.IsSealed || header.Nonce != 0)
        {
            return new(BlockError.BadSeal, $"a proof-of-authority header is version {BlockHeader.SealedVersion} with nonce 0");
        }

        if (header.Bits is not (DifficultyInTurn or DifficultyOutOfTurn))
        {
            return new(BlockError.WrongDifficulty, $"difficulty {header.Bits} where {DifficultyInTurn} (in turn) or {DifficultyOutOfTurn} is required");
        }

        var checkpoint = IsCheckpoint(header.Height);
        if ((header.Vote.Kind == VoteKind.None) != (header.Vote.Candidate == Address.Zero))
        {
            return new(BlockError.BadSeal, "a vote names a candidate, and no vote names none");
        }

        if (checkpoint && (header.Vote.Kind != VoteKind.None || header.Signers.Count == 0))
        {
            return new(BlockError.BadCheckpoint, $"the checkpoint at height {header.Height} must list the signers and carry no vote");
        }

        if (!checkpoint && header.Signers.Count != 0)
        {
            return new(BlockError.BadSeal, $"height {header.Height} is not a checkpoint (every {_parameters.Epoch}) and may not list signers");
        }

        if (!RsaPss.TryParsePublicKey(header.SignerKey, out _))
        {
            return new(BlockError.BadSeal, "the signer key is not an RSA-2048 SubjectPublicKeyInfo in canonical form");
        }

        Span<byte> digest = stackalloc byte[Hash256.Size];
        header.SealHash.WriteTo(digest);
        return _keys.VerifyHash(header.SignerKey, digest, header.Signature)
            ? ConsensusCheck.Valid
            : new(BlockError.BadSeal, $"the seal does not verify with the key of {header.Signer}");
    }

    /// <inheritdoc />
    public ConsensusCheck CheckDifficulty(BlockHeader header, BlockIndex parent)
    {
        ArgumentNullException.ThrowIfNull(header);
        var snapshot = Snapshot(parent);
        var signer = header.Signer;
        if (!snapshot.IsAuthorized(signer))
        {
            return new(BlockError.UnauthorizedSigner, $"{signer} is not an authorised signer at block {parent.Height}");
        }

        var required = snapshot.InTurn(header.Height) == signer ? DifficultyInTurn : DifficultyOutOfTurn;
        return header.Bits == required
            ? ConsensusCheck.Valid
            : new(BlockError.WrongDifficulty, $"difficulty {header.Bits} where {required} is required ({(required == DifficultyInTurn ? "in" : "out of")} turn)");
    }

    /// <inheritdoc />
    public ConsensusCheck CheckContext(BlockHeader header, BlockIndex parent, long now)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(parent);
        var check = CheckDifficulty(header, parent);
        if (!check.IsValid)
        {
            return check;
        }

        var earliest = parent.Header.Timestamp + _parameters.PeriodSeconds;
        if (header.Timestamp < earliest)
        {
            return new(BlockError.TooSoon, $"timestamp {header.Timestamp} is before the parent's {parent.Header.Timestamp} plus the period of {_parameters.PeriodSeconds} s");
        }

        var snapshot = Snapshot(parent);
        if (snapshot.SealedRecently(header.Signer, header.Height) is { } seen)
        {
            return new(BlockError.SignedRecently, $"{header.Signer} sealed block {seen}, one of the last {snapshot.RecentLimit - 1} before {header.Height}");
        }

        if (IsCheckpoint(header.Height) && !header.Signers.SequenceEqual(snapshot.Signers))
        {
            return new(BlockError.BadCheckpoint, $"the checkpoint lists {header.Signers.Count} signers that are not the {snapshot.Signers.Count} signers in turn order");
        }

        check = TimestampRules.CheckAfterMedian(header, parent);
        return check.IsValid ? TimestampRules.CheckNotTooFarAhead(header, now) : check;
    }

    /// <inheritdoc />
    /// <remarks>The difficulty a sealed header claims (checked by <see cref="CheckDifficulty"/>); genesis weighs 1.</remarks>
    public UInt128 Work(BlockHeader header) => header.IsSealed ? header.Bits : 1;

    /// <inheritdoc />
    public bool WinsTie(BlockIndex candidate, BlockIndex current) => candidate.Hash.CompareTo(current.Hash) < 0;

    /// <inheritdoc />
    public double DisplayDifficulty(BlockHeader header) => Work(header) == DifficultyInTurn ? DifficultyInTurn : DifficultyOutOfTurn;

    /// <inheritdoc />
    /// <remarks>
    /// Timestamp: the parent's plus the period, or now if later (and past the median of recent blocks). A checkpoint
    /// lists the signers and votes nothing; another block carries the sealer's vote when it would count.
    /// </remarks>
    public BlockHeader Prepare(BlockIndex parent, Hash256 merkleRoot, long now, SealerIdentity? sealer)
    {
        ArgumentNullException.ThrowIfNull(parent);
        if (sealer is null)
        {
            throw new InvalidOperationException("A proof-of-authority block needs a signer to seal it.");
        }

        var snapshot = Snapshot(parent);
        var height = parent.Height + 1;
        var timestamp = Math.Max(Math.Max(parent.Header.Timestamp + _parameters.PeriodSeconds, now), parent.MedianTimePast() + 1);
        var checkpoint = IsCheckpoint(height);
        var vote = !checkpoint && snapshot.IsValidVote(sealer.Vote) ? sealer.Vote : SignerVote.None;
        var difficulty = snapshot.InTurn(height) == sealer.Signer ? DifficultyInTurn : DifficultyOutOfTurn;
        return BlockHeader.CreateSealed(height, parent.Hash, merkleRoot, timestamp, difficulty, vote, checkpoint ? snapshot.Signers : [], sealer.SignerKey, []);
    }

    /// <summary>Signs a header <see cref="Prepare"/> made with the private key of its signer.</summary>
    public static BlockHeader Seal(BlockHeader prepared, RSA key)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(key);
        return prepared.Sign(key);
    }

    /// <summary>
    /// When <paramref name="signer"/> may seal the child of <paramref name="parent"/>: refused (with why) when it is not
    /// authorised or sealed too recently; else the header timestamp and the delay after it (zero in turn, the wiggle out
    /// of turn, with <paramref name="random"/> picking its random part).
    /// </summary>
    public SealSchedule Schedule(BlockIndex parent, Address signer, Random random)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(random);
        var snapshot = Snapshot(parent);
        var height = parent.Height + 1;
        if (!snapshot.IsAuthorized(signer))
        {
            return SealSchedule.Refused($"{signer} is not an authorised signer at block {parent.Height} (signers: {string.Join(", ", snapshot.Signers)})");
        }

        if (snapshot.SealedRecently(signer, height) is { } seen)
        {
            return SealSchedule.Refused($"{signer} sealed block {seen}; it waits for another signer's block");
        }

        var timestamp = parent.Header.Timestamp + _parameters.PeriodSeconds;
        if (snapshot.InTurn(height) == signer)
        {
            return new SealSchedule(true, timestamp, TimeSpan.Zero, string.Empty);
        }

        var wiggle = WiggleUnit * (1 + (random.NextDouble() * snapshot.RecentLimit));
        return new SealSchedule(true, timestamp, wiggle, string.Empty);
    }

    /// <summary>How many snapshots the engine keeps now (at most <see cref="SnapshotCacheCapacity"/>).</summary>
    public int CachedSnapshots
    {
        get
        {
            lock (_lock)
            {
                return _cache.Count;
            }
        }
    }

    /// <summary>Whether the block at <paramref name="height"/> is a checkpoint (a multiple of the epoch; genesis is one).</summary>
    public bool IsCheckpoint(uint height) => height % (uint)_parameters.Epoch == 0;

    /// <summary>The signer state after <paramref name="entry"/>, computed from its ancestors and kept by hash (bounded).</summary>
    public PoaSnapshot Snapshot(BlockIndex entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            var pending = new Stack<BlockIndex>();
            PoaSnapshot? snapshot = null;
            for (var e = entry; snapshot is null; e = e.Parent!)
            {
                if (_cache.TryGetValue(e.Hash, out var node))
                {
                    _recentlyUsed.Remove(node);
                    _recentlyUsed.AddFirst(node);
                    snapshot = node.Value;
                }
                else if (e.Parent is null)
                {
                    snapshot = _genesis;
                }
                else if (IsCheckpoint(e.Height))
                {
                    snapshot = AtCheckpoint(e);
                    Remember(snapshot);
                }
                else
                {
                    pending.Push(e);
                }
            }

            while (pending.TryPop(out var next))
            {
                snapshot = snapshot.Apply(next.Header, _parameters.Epoch);
                Remember(snapshot);
            }

            return snapshot;
        }
    }

    // The state after a checkpoint, from the checkpoint and the few blocks before it rather than from genesis, so a
    // snapshot costs at most an epoch of steps whatever the chain's length (a node started on a long chain computes
    // its first one this way). Every block of the index passed CheckContext, so a checkpoint lists exactly the
    // signers its ancestors give; it votes nothing and the votes are cleared after it. What the walk from genesis
    // would also hold is the sealers of the blocks in the window (c - floor(N/2) - 1, c]; sealers older than that
    // can never count again, since height minus the window's size never decreases from one block to the next (N grows
    // by at most one a block).
    private static PoaSnapshot AtCheckpoint(BlockIndex checkpoint)
    {
        var signers = checkpoint.Header.Signers;
        var limit = (signers.Count / 2) + 1;
        var recents = new Dictionary<uint, Address>(limit);
        for (var e = checkpoint; recents.Count < limit && e.Parent is not null; e = e.Parent)
        {
            recents[e.Height] = e.Header.Signer;
        }

        return PoaSnapshot.Checkpoint(checkpoint.Height, checkpoint.Hash, signers, recents);
    }

    // Under the lock.
    private void Remember(PoaSnapshot snapshot)
    {
        if (_cache.ContainsKey(snapshot.Hash))
        {
            return;
        }

        _cache[snapshot.Hash] = _recentlyUsed.AddFirst(snapshot);
        if (_cache.Count > SnapshotCacheCapacity)
        {
            var oldest = _recentlyUsed.Last!;
            _recentlyUsed.RemoveLast();
            _cache.Remove(oldest.Value.Hash);
        }
    }
}
