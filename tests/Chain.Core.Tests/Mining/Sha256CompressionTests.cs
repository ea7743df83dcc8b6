using System.Buffers.Binary;
using System.Security.Cryptography;
using Chain.Core.Mining;
using CsCheck;

namespace Chain.Core.Tests.Mining;

public class Sha256CompressionTests
{
    [Fact]
    public void Compress_PaddedAbc_GivesTheFipsDigest()
    {
        var block = new byte[Sha256Compression.BlockSize];
        "abc"u8.CopyTo(block);
        block[3] = 0x80;
        block[^1] = 24;

        var digest = Digest([block]);

        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void Compress_PaddedRandomMessages_MatchesSha256HashData()
    {
        Gen.Byte.Array[0, 300].Sample(message =>
        {
            var padded = new byte[((message.Length + 8) / 64 * 64) + 64];
            message.CopyTo(padded, 0);
            padded[message.Length] = 0x80;
            BinaryPrimitives.WriteUInt64BigEndian(padded.AsSpan(padded.Length - 8), (ulong)message.Length * 8);
            var blocks = Enumerable.Range(0, padded.Length / 64).Select(i => padded[(64 * i)..(64 * (i + 1))]).ToArray();

            Assert.Equal(SHA256.HashData(message), Digest(blocks));
        }, iter: 300);
    }

    [Fact]
    public void Midstate_OneBlock_EqualsCompressFromInitialState()
    {
        Gen.Byte.Array[64].Sample(bytes =>
        {
            var state = new uint[8];
            var block = new uint[16];
            Sha256Compression.ReadBlock(bytes, block);
            Sha256Compression.InitialState.CopyTo(state);
            Sha256Compression.Compress(state, block);

            var midstate = new uint[8];
            Sha256Compression.Midstate(bytes, midstate);

            Assert.Equal(state, midstate);
        }, iter: 100);
    }

    private static byte[] Digest(IEnumerable<byte[]> blocks)
    {
        var state = Sha256Compression.InitialState.ToArray();
        var words = new uint[Sha256Compression.BlockWords];
        foreach (var block in blocks)
        {
            Sha256Compression.ReadBlock(block, words);
            Sha256Compression.Compress(state, words);
        }

        var digest = new byte[32];
        for (var i = 0; i < state.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest.AsSpan(4 * i), state[i]);
        }

        return digest;
    }
}
