using System.Globalization;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text.Json.Serialization.Metadata;
using System.Text.Json;
using System.Text;
using Chain.Core.Crypto;
using Chain.Network.Messages;
using Chain.Network.Transport;

namespace Chain.Network.Handshake;

/// <summary>
/// Runs the handshake of PROTOCOL.md over a connected pipe pair: hello (initiator first), key exchange (RSA-OAEP
/// secret and RSA-PSS transcript signature each way), HKDF session keys, then one sealed Finished frame each way.
/// The caller bounds it with a timeout through the cancellation token.
/// </summary>
public static class PeerHandshake
{
    /// <summary>The protocol version this code speaks.</summary>
    public const int ProtocolVersion = 1;

    /// <summary>Largest plaintext handshake frame; far below <see cref="FrameReader.MaxFrameSize"/> since no peer is authenticated yet.</summary>
    public const int MaxHandshakeFrameSize = 16 * 1024;

    /// <summary>How a failed handshake begins its message when the other side's first frame is no hello at all.</summary>
    public const string NotChainNode = "not a Chain node";

    /// <summary>Length of the hello nonce and of each key-exchange secret, in bytes.</summary>
    public const int NonceSize = 32;

    /// <summary>Longest user agent accepted, in bytes of UTF-8.</summary>
    public const int MaxUserAgentLength = 256;

    /// <summary>Longest disconnect reason sent or shown, in characters.</summary>
    public const int MaxReasonLength = 256;

    /// <summary>Longest cumulative work field: a UInt128 in lower-case hex without leading zeros.</summary>
    public const int MaxWorkHexLength = 32;

    /// <summary>The user agent when none is configured.</summary>
    public const string DefaultUserAgent = "chain/1.0";

    /// <summary>Prefix of the data the initiator signs in its key exchange.</summary>
    public const string InitiatorSignatureLabel = "chain/1 key exchange initiator";

    /// <summary>Prefix of the data the responder signs in its key exchange.</summary>
    public const string ResponderSignatureLabel = "chain/1 key exchange responder";

    /// <summary>Prefix of the exception message when the peer refused us.</summary>
    public const string RefusedByPeerPrefix = "refused by peer: ";

    private static readonly RSAEncryptionPadding Oaep = RSAEncryptionPadding.OaepSHA256;

    /// <summary>Runs the handshake; returns the authenticated peer and session ciphers.</summary>
    /// <param name="input">Reads from the peer; bytes after the handshake stay buffered in it.</param>
    /// <param name="output">Writes to the peer.</param>
    /// <param name="settings">Our side.</param>
    /// <param name="isInitiator">True when we dialled.</param>
    /// <param name="expectedNodeId">The pinned node id of the peer, if any.</param>
    /// <param name="cancellationToken">Cancels (times out) the handshake.</param>
    /// <exception cref="PeerProtocolException">The handshake failed or either side refused; the message says why.</exception>
    public static async Task<HandshakeResult> RunAsync(
        PipeReader input,
        PipeWriter output,
        HandshakeSettings settings,
        bool isInitiator,
        string? expectedNodeId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(settings);
        var ephemeral = EphemeralKey.Generate();
        var nonce = settings.Nonce ?? RandomNumberGenerator.GetBytes(NonceSize);
        if (nonce.Length != NonceSize)
        {
            throw new ArgumentException($"A hello nonce is {NonceSize} bytes.", nameof(settings));
        }

        var ownHello = FrameWriter.Encode(JsonSerializer.SerializeToUtf8Bytes(BuildHello(settings, ephemeral, nonce), HandshakeJsonContext.Default.HelloMessage), MaxHandshakeFrameSize);

        byte[] peerHello;
        ValidHello peer;
        if (isInitiator)
        {
            await FrameWriter.WriteRawAsync(output, ownHello, cancellationToken);
            peerHello = await ReadHelloAsync(input, cancellationToken);
            peer = await ValidateHelloAsync(output, peerHello, settings, nonce, expectedNodeId, cancellationToken);
        }
        else
        {
            peerHello = await ReadHelloAsync(input, cancellationToken);
            peer = await ValidateHelloAsync(output, peerHello, settings, nonce, expectedNodeId, cancellationToken);
            await FrameWriter.WriteRawAsync(output, ownHello, cancellationToken);
        }

        using var peerKey = peer.Key;
        var (helloI, helloR) = isInitiator ? (ownHello, peerHello) : (peerHello, ownHello);
        var hellosHash = Hash(helloI, helloR);

        // Key exchange: our secret, readable only with the peer's node key, and proof that we hold ours.
        var ownSecret = RandomNumberGenerator.GetBytes(NonceSize);
        var ownCiphertext = (settings.EncryptSecretToOverride ?? peerKey).Encrypt(ownSecret, Oaep);
        var ownSignature = RsaPss.SignData(settings.NodeKey.Rsa, SignedData(isInitiator, hellosHash, ownCiphertext));
        var ownKex = FrameWriter.Encode(
            JsonSerializer.SerializeToUtf8Bytes(new KeyExchangeMessage { Secret = Convert.ToBase64String(ownCiphertext), Signature = Convert.ToBase64String(ownSignature) }, HandshakeJsonContext.Default.KeyExchangeMessage),
            MaxHandshakeFrameSize);
        await FrameWriter.WriteRawAsync(output, ownKex, cancellationToken);

        var peerKexBody = await FrameReader.ReadFrameAsync(input, MaxHandshakeFrameSize, cancellationToken);
        var peerKex = Parse(peerKexBody, KeyExchangeMessage.TypeName, HandshakeJsonContext.Default.KeyExchangeMessage);
        var peerCiphertext = DecodeBase64(peerKex?.Secret, RsaPss.SignatureSize);
        var peerSignature = DecodeBase64(peerKex?.Signature, RsaPss.SignatureSize);
        if (peerCiphertext is null || peerSignature is null)
        {
            throw await RefuseAsync(output, DisconnectCode.MalformedHandshake, cancellationToken);
        }

        if (!RsaPss.VerifyData(peerKey, SignedData(!isInitiator, hellosHash, peerCiphertext), peerSignature))
        {
            throw await RefuseAsync(output, DisconnectCode.BadKeyExchangeSignature, cancellationToken);
        }

        var peerSecret = DecryptSecret(settings.NodeKey, peerCiphertext);
        var peerKexFrame = FrameWriter.Encode(peerKexBody, MaxHandshakeFrameSize);
        var transcriptHash = isInitiator ? Hash(helloI, helloR, ownKex, peerKexFrame) : Hash(helloI, helloR, peerKexFrame, ownKex);
        var shared = ephemeral.Agree(peer.EphemeralKey);
        var keys = isInitiator
            ? SessionKeys.Derive(shared, ownSecret, peerSecret, transcriptHash)
            : SessionKeys.Derive(shared, peerSecret, ownSecret, transcriptHash);
        CryptographicOperations.ZeroMemory(shared);
        CryptographicOperations.ZeroMemory(ownSecret);
        CryptographicOperations.ZeroMemory(peerSecret);

        var sender = new FrameCipher(isInitiator ? keys.InitiatorToResponder : keys.ResponderToInitiator);
        var receiver = new FrameCipher(isInitiator ? keys.ResponderToInitiator : keys.InitiatorToResponder);
        CryptographicOperations.ZeroMemory(keys.InitiatorToResponder);
        CryptographicOperations.ZeroMemory(keys.ResponderToInitiator);
        try
        {
            // Key confirmation: only a peer holding its node key (to read our secret) and the transcript can open ours.
            await FrameWriter.WriteRawAsync(output, sender.Seal(FrameKind.Finished, []), cancellationToken);
            var finished = await FrameReader.ReadFrameAsync(input, MaxHandshakeFrameSize, cancellationToken);
            FrameKind kind;
            ReadOnlyMemory<byte> body;
            try
            {
                (kind, body) = receiver.Open(finished.AsSpan());
            }
            catch (PeerProtocolException)
            {
                if (TryReadRefusal(finished) is { } refusal)
                {
                    throw Refused(refusal);
                }

                throw await RefuseAsync(output, DisconnectCode.AuthenticationFailed, cancellationToken);
            }

            if (kind != FrameKind.Finished || !body.IsEmpty)
            {
                throw new PeerProtocolException(DisconnectCode.MalformedHandshake) { Code = DisconnectCode.MalformedHandshake };
            }

            return new HandshakeResult(peer.Hello, isInitiator, sender, receiver);
        }
        catch
        {
            sender.Dispose();
            receiver.Dispose();
            throw;
        }
    }

    /// <summary>The data each side signs: its role's label, the hash of both hellos, and its own OAEP ciphertext.</summary>
    internal static byte[] SignedData(bool initiator, ReadOnlySpan<byte> hellosHash, ReadOnlySpan<byte> ciphertext)
    {
        var label = Encoding.ASCII.GetBytes(initiator ? InitiatorSignatureLabel : ResponderSignatureLabel);
        return [.. label, .. hellosHash, .. ciphertext];
    }

    /// <summary>Reduces a reason to something safe to send and log: printable ASCII, bounded length.</summary>
    internal static string Sanitize(string? reason)
    {
        if (string.IsNullOrEmpty(reason))
        {
            return "(no reason)";
        }

        var clean = new string([.. reason.Take(MaxReasonLength).Select(c => c is >= ' ' and <= '~' ? c : '?')]);
        return clean;
    }

    private static HelloMessage BuildHello(HandshakeSettings settings, EphemeralKey ephemeral, byte[] nonce)
    {
        if (!IsValidUserAgent(settings.UserAgent))
        {
            throw new ArgumentException($"The user agent is longer than {MaxUserAgentLength} bytes of UTF-8.", nameof(settings));
        }

        return new HelloMessage
        {
            Version = ProtocolVersion,
            Magic = settings.Network.Magic,
            Genesis = settings.Network.GenesisHash.ToString(),
            NodeKey = Convert.ToBase64String(settings.NodeKey.PublicKey),
            NodeId = settings.NodeKey.NodeId,
            ListenPort = settings.ListenPort,
            BestHeight = settings.Status.BestHeight,
            CumulativeWork = settings.Status.CumulativeWork.ToString("x", CultureInfo.InvariantCulture),
            UserAgent = settings.UserAgent,
            EphemeralKey = Convert.ToBase64String(ephemeral.PublicKey),
            Nonce = Convert.ToBase64String(nonce),
        };
    }

    // The first frame of the other side: one that cannot be a hello (an HTTP or SSH server's first bytes read as a
    // length of a gigabyte) says the other side does not speak this protocol at all.
    private static async Task<byte[]> ReadHelloAsync(PipeReader input, CancellationToken cancellationToken)
    {
        try
        {
            return FrameWriter.Encode(await FrameReader.ReadFrameAsync(input, MaxHandshakeFrameSize, cancellationToken), MaxHandshakeFrameSize);
        }
        catch (PeerProtocolException e) when (e.FrameTooLarge)
        {
            throw new PeerProtocolException($"{NotChainNode} (its first frame is not a hello: {e.Message})", e) { Code = DisconnectCode.MalformedHandshake };
        }
    }

    private static async Task<ValidHello> ValidateHelloAsync(PipeWriter output, byte[] helloFrame, HandshakeSettings settings, byte[] ownNonce, string? expectedNodeId, CancellationToken cancellationToken)
    {
        HelloMessage? hello;
        try
        {
            hello = Parse(helloFrame.AsSpan(FrameReader.HeaderSize), HelloMessage.TypeName, HandshakeJsonContext.Default.HelloMessage);
        }
        catch (PeerProtocolException e) when (!e.RefusedByPeer)
        {
            throw NotChain(await RefuseAsync(output, DisconnectCode.MalformedHandshake, cancellationToken));
        }

        if (hello is null)
        {
            throw NotChain(await RefuseAsync(output, DisconnectCode.MalformedHandshake, cancellationToken));
        }

        if (hello.Version != ProtocolVersion)
        {
            throw await RefuseAsync(output, DisconnectCode.UnsupportedVersion, cancellationToken);
        }

        if (hello.Magic != settings.Network.Magic)
        {
            throw await RefuseAsync(output, DisconnectCode.WrongNetwork, cancellationToken);
        }

        if (!LowerHex.TryParseHash(hello.Genesis, out var genesis) || !LowerHex.IsHash(hello.NodeId))
        {
            throw await RefuseAsync(output, DisconnectCode.MalformedHandshake, cancellationToken);
        }

        if (genesis != settings.Network.GenesisHash)
        {
            throw await RefuseAsync(output, DisconnectCode.WrongGenesis, cancellationToken);
        }

        var keyBytes = DecodeBase64(hello.NodeKey, MaxHandshakeFrameSize, exact: false);
        var ephemeralKey = DecodeBase64(hello.EphemeralKey, EphemeralKey.Size);
        var nonce = DecodeBase64(hello.Nonce, NonceSize);
        var key = keyBytes is null ? null : RsaPss.TryImportPublicKey(keyBytes);
        if (key is null || ephemeralKey is null || nonce is null
            || !ephemeralKey.AsSpan().ContainsAnyExcept((byte)0)
            || hello.ListenPort is < 0 or > 65_535
            || !IsValidUserAgent(hello.UserAgent)
            || !TryParseWork(hello.CumulativeWork, out var work))
        {
            key?.Dispose();
            throw await RefuseAsync(output, DisconnectCode.MalformedHandshake, cancellationToken);
        }

        try
        {
            if (hello.NodeId != NodeKey.ComputeNodeId(keyBytes))
            {
                throw await RefuseAsync(output, DisconnectCode.NodeIdMismatch, cancellationToken);
            }

            // The nonce first: IsOwnNonce also tells the node that its own dial came back (what ends redialling).
            if (settings.IsOwnNonce?.Invoke(nonce) == true || nonce.AsSpan().SequenceEqual(ownNonce) || hello.NodeId == settings.NodeKey.NodeId)
            {
                throw await RefuseAsync(output, DisconnectCode.SelfConnection, cancellationToken);
            }

            if (expectedNodeId is not null && !string.Equals(hello.NodeId, expectedNodeId, StringComparison.OrdinalIgnoreCase))
            {
                throw await RefuseAsync(output, DisconnectCode.UnexpectedNodeId, cancellationToken);
            }
        }
        catch
        {
            key.Dispose();
            throw;
        }

        var peer = new PeerHello(hello.Version, hello.Magic, genesis, hello.NodeId, hello.ListenPort, hello.BestHeight, work, hello.UserAgent);
        return new ValidHello(peer, key, ephemeralKey);
    }

    // Reads the type first; a peer's refusal becomes an exception carrying its reason.
    private static T? Parse<T>(ReadOnlySpan<byte> body, string expectedType, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            var envelope = JsonSerializer.Deserialize(body, HandshakeJsonContext.Default.HandshakeEnvelope);
            if (envelope?.Type == DisconnectMessage.TypeName)
            {
                var refusal = JsonSerializer.Deserialize(body, HandshakeJsonContext.Default.DisconnectMessage);
                throw Refused(refusal?.Reason);
            }

            if (envelope?.Type != expectedType)
            {
                throw new PeerProtocolException($"{DisconnectCode.MalformedHandshake}: expected \"{expectedType}\".") { Code = DisconnectCode.MalformedHandshake };
            }

            return JsonSerializer.Deserialize(body, typeInfo);
        }
        catch (JsonException e)
        {
            throw new PeerProtocolException(DisconnectCode.MalformedHandshake, e) { Code = DisconnectCode.MalformedHandshake };
        }
    }

    private static string? TryReadRefusal(byte[] body)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize(body, HandshakeJsonContext.Default.HandshakeEnvelope);
            return envelope?.Type == DisconnectMessage.TypeName
                ? JsonSerializer.Deserialize(body, HandshakeJsonContext.Default.DisconnectMessage)?.Reason ?? string.Empty
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static PeerProtocolException Refused(string? reason) => new(RefusedByPeerPrefix + Sanitize(reason)) { RefusedByPeer = true };

    // Tells the peer why (the code only, best effort), and returns the exception to throw.
    private static PeerProtocolException NotChain(PeerProtocolException refusal) =>
        new($"{NotChainNode} (its first frame is not a hello: {refusal.Code})", refusal) { Code = refusal.Code };

    private static async Task<PeerProtocolException> RefuseAsync(PipeWriter output, string code, CancellationToken cancellationToken)
    {
        try
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new DisconnectMessage { Reason = code }, HandshakeJsonContext.Default.DisconnectMessage);
            await FrameWriter.WriteRawAsync(output, FrameWriter.Encode(body, MaxHandshakeFrameSize), cancellationToken);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException or PeerProtocolException or ObjectDisposedException)
        {
            // The connection is going away anyway; the reason is still logged on our side.
        }

        return new PeerProtocolException(code) { Code = code };
    }

    // OAEP failures are not reported: a random secret makes them surface as the generic Finished authentication failure.
    private static byte[] DecryptSecret(NodeKey nodeKey, byte[] ciphertext)
    {
        try
        {
            var secret = nodeKey.Rsa.Decrypt(ciphertext, Oaep);
            if (secret.Length == NonceSize)
            {
                return secret;
            }
        }
        catch (CryptographicException)
        {
        }

        return RandomNumberGenerator.GetBytes(NonceSize);
    }

    // Fixed-size fields (nonce, ephemeral key, ciphertext, signature) must be exact; the node key is only bounded.
    private static byte[]? DecodeBase64(string? text, int length, bool exact = true)
    {
        if (text is null || text.Length > (length + 2) / 3 * 4)
        {
            return null;
        }

        var bytes = new byte[length];
        if (!Convert.TryFromBase64String(text, bytes, out var written) || (exact && written != length))
        {
            return null;
        }

        // Canonical form only (PROTOCOL.md 1): padded, no whitespace, unused trailing bits zero; that is, exactly
        // what encoding the bytes gives, so one value has one spelling.
        var decoded = bytes[..written];
        return Convert.ToBase64String(decoded) == text ? decoded : null;
    }

    /// <summary>Whether <paramref name="userAgent"/> is present and at most <see cref="MaxUserAgentLength"/> bytes of UTF-8.</summary>
    public static bool IsValidUserAgent([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? userAgent) =>
        userAgent is not null && userAgent.Length <= MaxUserAgentLength && Encoding.UTF8.GetByteCount(userAgent) <= MaxUserAgentLength;

    // Canonical only: lower-case hex digits without leading zeros ("0" for zero), as the sender writes it.
    private static bool TryParseWork(string? hex, out UInt128 work)
    {
        work = UInt128.Zero;
        return hex is { Length: > 0 and <= MaxWorkHexLength }
            && LowerHex.IsLowerHex(hex)
            && (hex.Length == 1 || hex[0] != '0')
            && UInt128.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out work);
    }

    private static byte[] Hash(params ReadOnlySpan<byte[]> parts)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            sha.AppendData(part);
        }

        return sha.GetHashAndReset();
    }

    private sealed record ValidHello(PeerHello Hello, RSA Key, byte[] EphemeralKey);
}
