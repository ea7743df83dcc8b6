using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Chain.Core.Crypto;

/// <summary>
/// Imported RSA public keys by their SubjectPublicKeyInfo bytes, so a sender's key is parsed once rather than on
/// every verification (parsing costs about five verifications). Each key keeps a small pool of imported instances,
/// one per thread verifying with it at a time, since an <see cref="RSA"/> object is not documented as safe for
/// concurrent use. Bounded: when <see cref="Capacity"/> keys are held, the cache empties and starts over. Results
/// are exactly those of <see cref="RsaPss.TryImportPublicKey"/> followed by <see cref="RsaPss.VerifyHash"/>;
/// keys that fail to import are never cached.
/// </summary>
public sealed class RsaPublicKeyCache
{
    /// <summary>Keys held before the cache is emptied.</summary>
    public const int DefaultCapacity = 4_096;

    private readonly ConcurrentDictionary<byte[], Entry> _entries = new(ByteArrayComparer.Instance);
    private readonly ConcurrentDictionary<byte[], Entry>.AlternateLookup<ReadOnlySpan<byte>> _lookup;

    /// <summary>Creates an empty cache holding at most <paramref name="capacity"/> keys.</summary>
    public RsaPublicKeyCache(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>Most keys held.</summary>
    public int Capacity { get; }

    /// <summary>Number of keys held.</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// Verifies an RSA-PSS signature over a 32-byte digest with a SubjectPublicKeyInfo DER RSA-2048 key; false for a
    /// malformed key or signature, as <see cref="RsaPss.TryImportPublicKey"/> and <see cref="RsaPss.VerifyHash"/> decide.
    /// </summary>
    public bool VerifyHash(ReadOnlySpan<byte> subjectPublicKeyInfo, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        if (!_lookup.TryGetValue(subjectPublicKeyInfo, out var entry))
        {
            var imported = RsaPss.TryImportPublicKey(subjectPublicKeyInfo);
            if (imported is null)
            {
                return false;
            }

            if (_entries.Count >= Capacity)
            {
                Clear();
            }

            entry = _entries.GetOrAdd(subjectPublicKeyInfo.ToArray(), static _ => new Entry());
            return VerifyAndReturn(entry, imported, digest, signature);
        }

        // The bytes imported before, so importing them again cannot fail.
        var rsa = entry.TryRent() ?? RsaPss.TryImportPublicKey(subjectPublicKeyInfo)!;
        return VerifyAndReturn(entry, rsa, digest, signature);
    }

    private static bool VerifyAndReturn(Entry entry, RSA rsa, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        try
        {
            return RsaPss.VerifyHash(rsa, digest, signature);
        }
        finally
        {
            entry.Return(rsa);
        }
    }

    private void Clear()
    {
        foreach (var key in _entries.Keys)
        {
            if (_entries.TryRemove(key, out var removed))
            {
                removed.Retire();
            }
        }
    }

    /// <summary>The idle imported instances of one key.</summary>
    private sealed class Entry
    {
        private readonly ConcurrentBag<RSA> _idle = [];
        private volatile bool _retired;

        public RSA? TryRent() => _idle.TryTake(out var rsa) ? rsa : null;

        public void Return(RSA rsa)
        {
            if (_retired)
            {
                rsa.Dispose();
                return;
            }

            _idle.Add(rsa);

            // Retired while being returned: take back whatever is idle now (another thread may dispose the rest).
            if (_retired)
            {
                DisposeIdle();
            }
        }

        public void Retire()
        {
            _retired = true;
            DisposeIdle();
        }

        private void DisposeIdle()
        {
            while (_idle.TryTake(out var rsa))
            {
                rsa.Dispose();
            }
        }
    }

    /// <summary>Byte-content equality for keys, with span lookups so a verification allocates nothing.</summary>
    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
