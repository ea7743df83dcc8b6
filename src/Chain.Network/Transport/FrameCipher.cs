using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Chain.Network.Transport;

/// <summary>
/// AES-256-GCM for one direction of a connection. Each sealed frame is
/// <c>length(4, big-endian) || ciphertext(kind || body) || tag(16)</c>, the length prefix being the associated data;
/// the nonce is <c>00 00 00 00 || counter(8, big-endian)</c>, the counter starting at 0 and growing by one per frame.
/// The opening side expects exactly the next counter, so a replayed, reordered, dropped or altered frame fails.
/// Not thread-safe: one sealer (the writer task) and one opener (the read loop) per connection.
/// </summary>
public sealed class FrameCipher : IDisposable
{
    /// <summary>AES-256 key length in bytes.</summary>
    public const int KeySize = 32;

    /// <summary>GCM tag length in bytes.</summary>
    public const int TagSize = 16;

    /// <summary>GCM nonce length in bytes.</summary>
    public const int NonceSize = 12;

    /// <summary>Bytes a sealed frame adds to its body: the kind byte and the tag.</summary>
    public const int Overhead = 1 + TagSize;

    /// <summary>
    /// Largest message-layer payload: 4 MiB, so a maximal block (2 MiB encoded, about 2.67 MiB as base64 in JSON)
    /// fits with room to spare.
    /// </summary>
    public const int MaxPayloadSize = 4 * 1024 * 1024;

    /// <summary>The counter value that may never be used: reaching it ends the connection.</summary>
    public const ulong ExhaustedCounter = ulong.MaxValue;

    private readonly AesGcm _aes;

    /// <summary>Creates a cipher for one direction, its counter at 0.</summary>
    public FrameCipher(ReadOnlySpan<byte> key)
        : this(key, 0)
    {
    }

    /// <summary>Creates a cipher whose next frame uses <paramref name="counter"/> (tests and vectors).</summary>
    internal FrameCipher(ReadOnlySpan<byte> key, ulong counter)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"A frame key is {KeySize} bytes, not {key.Length}.", nameof(key));
        }

        _aes = new AesGcm(key, TagSize);
        Counter = counter;
    }

    /// <summary>The counter the next frame sealed or opened will use.</summary>
    public ulong Counter { get; private set; }

    /// <summary>Length of the whole sealed frame, prefix included, for a body of <paramref name="bodyLength"/> bytes.</summary>
    public static int SealedLength(int bodyLength) => FrameReader.HeaderSize + Overhead + bodyLength;

    /// <summary>Seals one frame into a new array (length prefix included).</summary>
    public byte[] Seal(FrameKind kind, ReadOnlySpan<byte> body)
    {
        var frame = new byte[SealedLength(body.Length)];
        Seal(kind, body, frame);
        return frame;
    }

    /// <summary>Seals one frame into <paramref name="destination"/> and returns the bytes written (length prefix included).</summary>
    /// <exception cref="PeerProtocolException">The counter is exhausted.</exception>
    public int Seal(FrameKind kind, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        if (body.Length > MaxPayloadSize)
        {
            throw new ArgumentException($"A payload of {body.Length} bytes exceeds the maximum of {MaxPayloadSize}.", nameof(body));
        }

        var total = SealedLength(body.Length);
        if (destination.Length < total)
        {
            throw new ArgumentException("The destination is too small.", nameof(destination));
        }

        Span<byte> nonce = stackalloc byte[NonceSize];
        NextNonce(nonce);
        var header = destination[..FrameReader.HeaderSize];
        BinaryPrimitives.WriteInt32BigEndian(header, total - FrameReader.HeaderSize);
        var text = destination.Slice(FrameReader.HeaderSize, 1 + body.Length);
        text[0] = (byte)kind;
        body.CopyTo(text[1..]);
        _aes.Encrypt(nonce, text, text, destination.Slice(FrameReader.HeaderSize + text.Length, TagSize), header);
        return total;
    }

    /// <summary>
    /// Opens one frame body (as returned by <see cref="FrameReader.TryReadFrame(ref ReadOnlySequence{byte}, out ReadOnlySequence{byte})"/>,
    /// without the length prefix) and returns its kind and a newly allocated body the caller may keep.
    /// </summary>
    /// <exception cref="PeerProtocolException">The frame is too short, fails authentication, has an unknown kind, or the counter is exhausted.</exception>
    public (FrameKind Kind, ReadOnlyMemory<byte> Body) Open(ReadOnlySequence<byte> frame)
    {
        if (frame.Length < Overhead || frame.Length > FrameReader.MaxFrameSize)
        {
            throw new PeerProtocolException($"A sealed frame of {frame.Length} bytes is malformed.");
        }

        var length = (int)frame.Length;
        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> sealedBytes;
            if (frame.IsSingleSegment)
            {
                sealedBytes = frame.FirstSpan;
            }
            else
            {
                rented = ArrayPool<byte>.Shared.Rent(length);
                frame.CopyTo(rented);
                sealedBytes = rented.AsSpan(0, length);
            }

            return Open(sealedBytes);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Opens one frame body held in contiguous memory; see <see cref="Open(ReadOnlySequence{byte})"/>.</summary>
    public (FrameKind Kind, ReadOnlyMemory<byte> Body) Open(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < Overhead || frame.Length > FrameReader.MaxFrameSize)
        {
            throw new PeerProtocolException($"A sealed frame of {frame.Length} bytes is malformed.");
        }

        Span<byte> nonce = stackalloc byte[NonceSize];
        Span<byte> header = stackalloc byte[FrameReader.HeaderSize];
        BinaryPrimitives.WriteInt32BigEndian(header, frame.Length);
        var plaintext = new byte[frame.Length - TagSize];
        NextNonce(nonce);
        try
        {
            _aes.Decrypt(nonce, frame[..plaintext.Length], frame[plaintext.Length..], plaintext, header);
        }
        catch (CryptographicException e)
        {
            throw new PeerProtocolException("A frame failed authentication.", e);
        }

        var kind = (FrameKind)plaintext[0];
        if (!Enum.IsDefined(kind))
        {
            throw new PeerProtocolException($"Unknown frame kind {plaintext[0]}.");
        }

        return (kind, plaintext.AsMemory(1));
    }

    /// <inheritdoc />
    public void Dispose() => _aes.Dispose();

    // Writes the nonce for the current counter and moves on; a counter is used at most once, success or not.
    private void NextNonce(Span<byte> nonce)
    {
        if (Counter == ExhaustedCounter)
        {
            throw new PeerProtocolException("The frame counter is exhausted.");
        }

        nonce[..4].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], Counter);
        Counter++;
    }
}
