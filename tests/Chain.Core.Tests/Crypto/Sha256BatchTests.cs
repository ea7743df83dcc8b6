using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Mining;

namespace Chain.Core.Tests.Crypto;

public class Sha256BatchTests
{
    public static TheoryData<HeaderHashPath> Paths => [HeaderHashPath.Scalar, HeaderHashPath.Vector256, HeaderHashPath.Vector512];

    // Around every padding boundary: 55 bytes still pad within the block, 56 need a second one.
    private static readonly int[] Lengths = [0, 1, 20, 55, 56, 63, 64, 65, 119, 120, 127, 128, 294, 345, 600];

    [Theory]
    [MemberData(nameof(Paths))]
    public void Hash_MessagesOfOneLength_EachIsSha256HashData(HeaderHashPath path)
    {
        var random = new Random(1);
        foreach (var length in Lengths)
        {
            // Counts below, at and past a batch of 8 and of 16 lanes, the last batch short.
            foreach (var count in new[] { 1, 4, 8, 15, 16, 17, 33 })
            {
                var (data, starts, lengths) = Messages(random, count, _ => length);
                var output = new Hash256[count];

                Sha256Batch.Hash(data, starts, lengths, output, path);

                for (var i = 0; i < count; i++)
                {
                    Assert.Equal(new Hash256(SHA256.HashData(data.AsSpan(starts[i], length))), output[i]);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Hash_MixedLengthsInAnyOrder_EachIsSha256HashData(HeaderHashPath path)
    {
        var random = new Random(2);
        var (data, starts, lengths) = Messages(random, 300, i => i % 7 == 0 ? random.Next(0, 700) : 345 - (i % 3));
        var output = new Hash256[300];

        Sha256Batch.Hash(data, starts, lengths, output, path);

        for (var i = 0; i < 300; i++)
        {
            Assert.Equal(new Hash256(SHA256.HashData(data.AsSpan(starts[i], lengths[i]))), output[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Hash_KernelOnMessagesOfOneLength_EachIsSha256HashData(HeaderHashPath path)
    {
        var random = new Random(3);
        foreach (var length in Lengths)
        {
            var (data, starts, _) = Messages(random, 21, _ => length);
            var output = new Hash256[21];

            switch (path)
            {
                case HeaderHashPath.Vector512:
                    MessageHashKernel<System.Runtime.Intrinsics.Vector512<uint>, Vector512LaneOps>.Hash(data, starts, length, output);
                    break;
                case HeaderHashPath.Vector256:
                    MessageHashKernel<System.Runtime.Intrinsics.Vector256<uint>, Vector256LaneOps>.Hash(data, starts, length, output);
                    break;
                default:
                    MessageHashKernel<uint, ScalarLaneOps>.Hash(data, starts, length, output);
                    break;
            }

            for (var i = 0; i < 21; i++)
            {
                Assert.Equal(new Hash256(SHA256.HashData(data.AsSpan(starts[i], length))), output[i]);
            }
        }
    }

    // Random messages laid out one after another with random gaps, the last one ending the buffer.
    private static (byte[] Data, int[] Starts, int[] Lengths) Messages(Random random, int count, Func<int, int> length)
    {
        var starts = new int[count];
        var lengths = new int[count];
        var position = 0;
        for (var i = 0; i < count; i++)
        {
            position += random.Next(0, 5);
            starts[i] = position;
            lengths[i] = length(i);
            position += lengths[i];
        }

        var data = new byte[position];
        random.NextBytes(data);
        return (data, starts, lengths);
    }
}
