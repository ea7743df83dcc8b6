using BenchmarkDotNet.Running;
using Chain.Benchmarks.Quick;

// `quick` runs the end-to-end figures (`quick relay hop gossip` only those steps); anything else goes to
// BenchmarkDotNet (e.g. --filter '*Frame*').
if (args is ["quick", .. var steps])
{
    return await QuickRun.RunAsync(steps);
}

BenchmarkSwitcher.FromAssembly(typeof(QuickRun).Assembly).Run(args);
return 0;
