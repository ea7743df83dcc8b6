using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Chain.Core.Crypto;

/// <summary>
/// Imported RSA public keys by their SubjectPublicKeyInfo bytes, so a sender's key is parsed once rather than on
/// every verification (parsing costs about five verifications). Each key keeps a small pool of verifiers, one per
/// thread verifying with it at a time: OpenSSL verification contexts where <see cref="UsesOpenSsl"/> (see
/// <see cref="OpenSslPss"/>: about twice the platform's rate), otherwise imported <see cref="RSA"/> instances,
/// which are not documented as safe for concurrent use. Bounded: when <see cref="Capacity"/> keys are held, the
/// cache empties and starts over. Results are exactly those of <see cref="RsaPss.TryImportPublicKey"/> followed by
/// <see cref="RsaPss.VerifyHash"/>; keys that fail to import are never cached.
/// </summary>
public sealed class RsaPublicKeyCache
{
    /// <summary>Keys held before the cache is emptied.</summary>
    public const int DefaultCapacity = 4_096;

    private readonly ConcurrentDictionary<byte[], Entry> _entries = new(ByteArrayComparer.Instance);
    private readonly ConcurrentDictionary<byte[], Entry>.AlternateLookup<ReadOnlySpan<byte>> _lookup;

    /// <summary>Creates an empty cache holding at most <paramref name="capacity"/> keys, verifying through OpenSSL directly where it can.</summary>
    public RsaPublicKeyCache(int capacity = DefaultCapacity)
        : this(capacity, OpenSslPss.IsAvailable)
    {
    }

    /// <summary>Creates an empty cache; <paramref name="useOpenSsl"/> false keeps to the platform's RSA (the reference path).</summary>
    internal RsaPublicKeyCache(int capacity, bool useOpenSsl)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        UsesOpenSsl = useOpenSsl && OpenSslPss.IsAvailable;
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>Most keys held.</summary>
    public int Capacity { get; }

    /// <summary>Number of keys held.</summary>
    public int Count => _entries.Count;

    /// <summary>Whether verifications go straight to OpenSSL with reused contexts rather than through the platform's <see cref="RSA"/>.</summary>
    public bool UsesOpenSsl { get; }

    /// <summary>
    /// Verifies an RSA-PSS signature over a 32-byte digest with a SubjectPublicKeyInfo DER RSA-2048 key; false for a
    /// malformed key or signature, as <see cref="RsaPss.TryImportPublicKey"/> and <see cref="RsaPss.VerifyHash"/> decide.
    /// </summary>
    public bool VerifyHash(ReadOnlySpan<byte> subjectPublicKeyInfo, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != RsaPss.SignatureSize || digest.Length != Hash256.Size)
        {
            return false;
        }

        var entry = GetOrImport(subjectPublicKeyInfo);
        return entry is not null && entry.Verify(subjectPublicKeyInfo, digest, signature);
    }

    // The key's entry, importing it first when new; null when RsaPss.TryParsePublicKey refuses it (the rule on both paths).
    private Entry? GetOrImport(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        if (_lookup.TryGetValue(subjectPublicKeyInfo, out var entry))
        {
            return entry;
        }

        Entry candidate;
        if (UsesOpenSsl)
        {
            var native = OpenSslPss.ImportPublicKey(subjectPublicKeyInfo);
            if (native is null)
            {
                return null;
            }

            candidate = new Entry(native);
        }
        else
        {
            var imported = RsaPss.TryImportPublicKey(subjectPublicKeyInfo);
            if (imported is null)
            {
                return null;
            }

            candidate = new Entry(null);
            candidate.Return(imported);
        }

        if (_entries.Count >= Capacity)
        {
            Clear();
        }

        entry = _entries.GetOrAdd(subjectPublicKeyInfo.ToArray(), candidate);
        if (entry != candidate)
        {
            candidate.Retire();
        }

        return entry;
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

    /// <summary>One key: its OpenSSL handle (when used) and the idle verifiers, OpenSSL contexts or imported RSA instances.</summary>
    private sealed class Entry
    {
        private readonly SafeEvpPKeyHandle? _native;
        private readonly ConcurrentBag<IDisposable> _idle = [];
        private readonly Lock _gate = new();
        private volatile bool _retired;

        public Entry(SafeEvpPKeyHandle? native) => _native = native;

        public bool Verify(ReadOnlySpan<byte> subjectPublicKeyInfo, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
        {
            var verifier = _idle.TryTake(out var idle) ? idle : Create(subjectPublicKeyInfo);
            if (verifier is null)
            {
                return false;
            }

            try
            {
                return verifier is SafeEvpPkeyCtx ctx
                    ? OpenSslPss.Verify(ctx, digest, signature)
                    : RsaPss.VerifyHash((RSA)verifier, digest, signature);
            }
            finally
            {
                Return(verifier);
            }
        }

        // Imported RSA instances are kept on either path: one made by the caller to validate the key is returned here.
        public void Return(IDisposable verifier)
        {
            if (_retired || (_native is not null && verifier is RSA))
            {
                verifier.Dispose();
                return;
            }

            _idle.Add(verifier);

            // Retired while being returned: take back whatever is idle now (another thread may dispose the rest).
            if (_retired)
            {
                DisposeIdle();
            }
        }

        public void Retire()
        {
            lock (_gate)
            {
                _retired = true;
                _native?.Dispose();
            }

            DisposeIdle();
        }

        private IDisposable? Create(ReadOnlySpan<byte> subjectPublicKeyInfo)
        {
            if (_native is not null)
            {
                lock (_gate)
                {
                    if (!_retired)
                    {
                        var ctx = OpenSslPss.CreateVerifyContext(_native);
                        if (!ctx.IsInvalid)
                        {
                            return ctx;
                        }

                        ctx.Dispose();
                    }
                }
            }

            // The bytes passed the rule before, so this import is expected to succeed; null is answered as a failure.
            return RsaPss.TryImportPublicKey(subjectPublicKeyInfo);
        }

        private void DisposeIdle()
        {
            while (_idle.TryTake(out var verifier))
            {
                verifier.Dispose();
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
