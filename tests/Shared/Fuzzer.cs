using System.Globalization;

namespace Chain.Tests.Shared;

/// <summary>
/// Settings and mutations for the decoder fuzz tests. A short run is part of the suite; the long run is
/// <c>CHAIN_FUZZ_ITERATIONS=1000000 dotnet test Chain.sln -c Release --filter Category=Fuzz</c>.
/// </summary>
internal static class Fuzzer
{
    /// <summary>The xunit trait that selects the fuzz tests.</summary>
    public const string Category = "Fuzz";

    /// <summary>Environment variable overriding the inputs tried per decoder.</summary>
    public const string IterationsVariable = "CHAIN_FUZZ_ITERATIONS";

    /// <summary>Inputs per decoder in the ordinary test run.</summary>
    public const int DefaultIterations = 2_000;

    /// <summary>Inputs tried per decoder in this run.</summary>
    public static int Iterations { get; } =
        int.TryParse(Environment.GetEnvironmentVariable(IterationsVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : DefaultIterations;

    /// <summary>
    /// Inputs for a slow decoder (files, handshakes): <paramref name="quickRun"/> in the ordinary run, the full
    /// <see cref="Iterations"/> when the long run asks for them.
    /// </summary>
    public static int SlowIterations(int quickRun) => IsLongRun ? Iterations : Math.Min(quickRun, Iterations);

    /// <summary>Whether <see cref="IterationsVariable"/> set the count.</summary>
    public static bool IsLongRun => Environment.GetEnvironmentVariable(IterationsVariable) is not null;

    private const string JsonTokens = "{}[]\",:0-9aAzZ\\ ";

    private static readonly int[] InterestingInts = [0, 1, -1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0xffff, int.MaxValue, int.MinValue, 0x7fff_fffe, 1 << 20, 1 << 24];

    /// <summary>A random input: fresh random bytes, or a seed mutated one to eight times.</summary>
    public static byte[] Input(IReadOnlyList<byte[]> seeds, Random rng)
    {
        if (seeds.Count == 0 || rng.Next(8) == 0)
        {
            var random = new byte[rng.Next(0, 512)];
            rng.NextBytes(random);
            return random;
        }

        var data = new List<byte>(seeds[rng.Next(seeds.Count)]);
        var mutations = rng.Next(1, 9);
        for (var i = 0; i < mutations; i++)
        {
            Mutate(data, rng);
        }

        return [.. data];
    }

    /// <summary>Runs <paramref name="check"/> on <see cref="Iterations"/> inputs, each from its own seed so a failure names a reproducible seed.</summary>
    public static void Run(IReadOnlyList<byte[]> seeds, Action<byte[]> check, int? iterations = null)
    {
        var count = iterations ?? Iterations;
        var master = new Random(unchecked(Environment.TickCount * 31));
        for (var i = 0; i < count; i++)
        {
            var seed = master.Next();
            var input = Input(seeds, new Random(seed));
            try
            {
                check(input);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                throw new InvalidOperationException($"Input from seed {seed} ({input.Length} bytes: {Convert.ToHexString(input.AsSpan(0, Math.Min(64, input.Length)))}…) raised {e.GetType().Name}: {e.Message}", e);
            }
        }
    }

    private static void Mutate(List<byte> data, Random rng)
    {
        switch (rng.Next(8))
        {
            case 0 when data.Count > 0:
                data[rng.Next(data.Count)] ^= (byte)(1 << rng.Next(8));
                break;
            case 1 when data.Count > 0:
                data[rng.Next(data.Count)] = (byte)rng.Next(256);
                break;
            case 2:
                {
                    var extra = new byte[rng.Next(1, 16)];
                    rng.NextBytes(extra);
                    data.InsertRange(rng.Next(data.Count + 1), extra);
                    break;
                }

            case 3 when data.Count > 0:
                {
                    var at = rng.Next(data.Count);
                    data.RemoveRange(at, rng.Next(1, Math.Min(16, data.Count - at) + 1));
                    break;
                }

            case 4 when data.Count > 0:
                {
                    var keep = rng.Next(data.Count);
                    data.RemoveRange(keep, data.Count - keep);
                    break;
                }

            case 5 when data.Count >= 4:
                {
                    var at = rng.Next(data.Count - 3);
                    var value = InterestingInts[rng.Next(InterestingInts.Length)];
                    var bytes = rng.Next(2) == 0 ? BitConverter.GetBytes(value) : BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(value));
                    for (var i = 0; i < 4; i++)
                    {
                        data[at + i] = bytes[i];
                    }

                    break;
                }

            case 6 when data.Count > 0:
                {
                    var at = rng.Next(data.Count);
                    var length = rng.Next(1, Math.Min(32, data.Count - at) + 1);
                    data.InsertRange(rng.Next(data.Count + 1), data.GetRange(at, length));
                    break;
                }

            default:
                if (data.Count > 0)
                {
                    var at = rng.Next(data.Count);
                    data[at] = (byte)JsonTokens[rng.Next(JsonTokens.Length)];
                }

                break;
        }
    }

    /// <summary>Bytes allocated on this thread by <paramref name="action"/>.</summary>
    public static long Allocated(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
