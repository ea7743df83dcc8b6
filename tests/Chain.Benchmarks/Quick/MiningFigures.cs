using System.Diagnostics;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Mining;

namespace Chain.Benchmarks.Quick;

/// <summary>Nonces tried per second by the real <see cref="Miner.SearchAsync"/> on a real template whose target cannot be met.</summary>
internal static class MiningFigures
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(3);

    // A compact target of 2^-72 of the hash space: never met in seconds.
    private const uint ImpossibleBits = 0x1800_ffff;

    public static async Task RunAsync(Report report)
    {
        var chain = new Blockchain(NetworkParameters.Dev, TimeProvider.System);
        var template = chain.CreateTemplate(Address.Zero).Header;
        var header = new BlockHeader(template.Version, template.Height, template.PreviousHash, template.MerkleRoot, template.Timestamp, ImpossibleBits, 0);
        report.Note($"header hash path: {HeaderHasher.BestPath}, {Environment.ProcessorCount} cores");

        await MeasureAsync(chain, header, 1, TimeSpan.FromSeconds(0.5)); // warm-up (tiering)
        report.Add("mine.hashes_per_sec_1_thread", await MeasureAsync(chain, header, 1, Duration), "hashes/s");
        report.Add("mine.hashes_per_sec_all_threads", await MeasureAsync(chain, header, Environment.ProcessorCount, Duration), "hashes/s");
    }

    private static async Task<double> MeasureAsync(Blockchain chain, BlockHeader header, int threads, TimeSpan duration)
    {
        var miner = new Miner(chain, TimeProvider.System);
        using var stop = new CancellationTokenSource(duration);
        var watch = Stopwatch.StartNew();
        var nonce = await miner.SearchAsync(header, threads, stop.Token);
        watch.Stop();
        if (nonce is not null)
        {
            throw new InvalidOperationException("The impossible target was met.");
        }

        return miner.TotalHashes / watch.Elapsed.TotalSeconds;
    }
}
