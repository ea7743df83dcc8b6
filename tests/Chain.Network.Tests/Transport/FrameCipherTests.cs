using System.Buffers;
using Chain.Network.Transport;

namespace Chain.Network.Tests.Transport;

public sealed class FrameCipherTests
{
    // PROTOCOL.md, "Test vectors": the initiator-to-responder key of the key-derivation vector.
    private static readonly byte[] VectorKey = Convert.FromHexString("aecbc9260d81e19f26d863fa5a82c1ce6b08c2031985cfbb62cb5d44913add32");
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();

    private static ReadOnlySequence<byte> Body(byte[] sealedFrame) => new(sealedFrame.AsMemory(FrameReader.HeaderSize));

    [Fact]
    public void Seal_ProtocolVector_ReproducesTheFrame()
    {
        using var cipher = new FrameCipher(VectorKey, 1);

        var frame = cipher.Seal(FrameKind.Data, "hello, chain"u8);

        Assert.Equal("0000001d3a3cd8cb88471f14444d3bd7a76ce8d4fe0c9b704cb221e62216e7039a", Convert.ToHexStringLower(frame));
        Assert.Equal(2UL, cipher.Counter);
    }

    [Fact]
    public void Open_ProtocolVector_ReturnsThePlaintext()
    {
        using var cipher = new FrameCipher(VectorKey, 1);
        var frame = Convert.FromHexString("0000001d3a3cd8cb88471f14444d3bd7a76ce8d4fe0c9b704cb221e62216e7039a");

        var (kind, body) = cipher.Open(Body(frame));

        Assert.Equal(FrameKind.Data, kind);
        Assert.Equal("hello, chain"u8.ToArray(), body.ToArray());
    }

    [Fact]
    public void SealOpen_ManyFrames_RoundTripInOrder()
    {
        using var sealer = new FrameCipher(Key);
        using var opener = new FrameCipher(Key);
        for (var i = 0; i < 50; i++)
        {
            var payload = Enumerable.Repeat((byte)i, i * 13).ToArray();
            var frame = sealer.Seal(FrameKind.Data, payload);
            var (kind, body) = opener.Open(TestSupport.Segmented(frame[FrameReader.HeaderSize..], i % 5));
            Assert.Equal(FrameKind.Data, kind);
            Assert.Equal(payload, body.ToArray());
        }
    }

    [Fact]
    public void Open_AnySingleBitFlipped_FailsAuthentication()
    {
        using var sealer = new FrameCipher(Key);
        var frame = sealer.Seal(FrameKind.Data, "some payload"u8);
        for (var i = 0; i < frame.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var tampered = (byte[])frame.Clone();
                tampered[i] ^= (byte)(1 << bit);
                using var opener = new FrameCipher(Key);
                Assert.False(Delivers(opener, tampered), $"bit {bit} of byte {i}");
            }
        }
    }

    // Framing then opening, as the read loop does: a changed length prefix yields no frame, an oversized one, or a
    // different frame, and none of them may open.
    private static bool Delivers(FrameCipher opener, byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        try
        {
            if (!FrameReader.TryReadFrame(ref buffer, out var body))
            {
                return false;
            }

            opener.Open(body);
            return true;
        }
        catch (PeerProtocolException)
        {
            return false;
        }
    }

    [Fact]
    public void Open_ReplayedFrame_FailsAuthentication()
    {
        using var sealer = new FrameCipher(Key);
        using var opener = new FrameCipher(Key);
        var frame = sealer.Seal(FrameKind.Data, [1, 2, 3]);
        opener.Open(Body(frame));

        Assert.Throws<PeerProtocolException>(() => opener.Open(Body(frame)));
    }

    [Fact]
    public void Open_SwappedFrames_FailsAuthentication()
    {
        using var sealer = new FrameCipher(Key);
        using var opener = new FrameCipher(Key);
        var first = sealer.Seal(FrameKind.Data, [1]);
        var second = sealer.Seal(FrameKind.Data, [2]);

        Assert.Throws<PeerProtocolException>(() => opener.Open(Body(second)));
        _ = first;
    }

    [Fact]
    public void Open_FrameOfTheOtherDirection_FailsAuthentication()
    {
        using var sealer = new FrameCipher(Key);
        using var opener = new FrameCipher(VectorKey);

        Assert.Throws<PeerProtocolException>(() => opener.Open(Body(sealer.Seal(FrameKind.Data, [1]))));
    }

    [Fact]
    public void Open_ShorterThanOverhead_Throws()
    {
        using var opener = new FrameCipher(Key);

        Assert.Throws<PeerProtocolException>(() => opener.Open(new ReadOnlySequence<byte>(new byte[FrameCipher.Overhead - 1])));
    }

    [Fact]
    public void Seal_CounterExhausted_Throws()
    {
        using var sealer = new FrameCipher(Key, FrameCipher.ExhaustedCounter - 1);
        sealer.Seal(FrameKind.Ping, []);

        Assert.Throws<PeerProtocolException>(() => sealer.Seal(FrameKind.Ping, []));
    }

    [Fact]
    public void Open_CounterExhausted_Throws()
    {
        using var sealer = new FrameCipher(Key, FrameCipher.ExhaustedCounter);
        using var opener = new FrameCipher(Key, FrameCipher.ExhaustedCounter);

        Assert.Throws<PeerProtocolException>(() => opener.Open(new ReadOnlySequence<byte>(new byte[FrameCipher.Overhead])));
    }

    [Fact]
    public void Seal_PayloadAboveMaximum_Throws()
    {
        using var sealer = new FrameCipher(Key);

        Assert.Throws<ArgumentException>(() => sealer.Seal(FrameKind.Data, new byte[FrameCipher.MaxPayloadSize + 1]));
    }

    [Fact]
    public void Seal_MaximalPayload_FitsTheMaximumFrame()
    {
        using var sealer = new FrameCipher(Key);
        using var opener = new FrameCipher(Key);
        var frame = sealer.Seal(FrameKind.Data, new byte[FrameCipher.MaxPayloadSize]);
        var buffer = new ReadOnlySequence<byte>(frame);

        Assert.True(FrameReader.TryReadFrame(ref buffer, out var body));
        Assert.Equal(FrameCipher.MaxPayloadSize, opener.Open(body).Body.Length);
    }

    [Fact]
    public void MaxPayloadSize_HoldsAMaximalBlockAsBase64Json()
    {
        var base64 = (Chain.Core.Ledger.Block.MaxEncodedSize + 2) / 3 * 4;

        Assert.True(base64 + 64 * 1024 < FrameCipher.MaxPayloadSize);
    }
}
