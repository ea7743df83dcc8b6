using BenchmarkDotNet.Running;
using Chain.Benchmarks.Quick;

// `quick` runs the end-to-end figures; anything else goes to BenchmarkDotNet (e.g. --filter '*Frame*').
if (args is ["quick", ..])
{
    return await QuickRun.RunAsync();
}

BenchmarkSwitcher.FromAssembly(typeof(QuickRun).Assembly).Run(args);
return 0;
