using System.Globalization;

namespace Chain.Benchmarks.Support;

/// <summary>Counters of a process or thread from Linux's <c>/proc/…/stat</c>, read by the quick run's figures.</summary>
internal static class ProcStat
{
    // The kernel's clock ticks a second for utime and stime (USER_HZ, 100 on Linux).
    private const double TicksPerSecond = 100.0;

    /// <summary>User plus system CPU, in seconds, of the process or thread whose stat file is <paramref name="path"/>.</summary>
    public static double CpuSeconds(string path)
    {
        var fields = Fields(path);
        return (long.Parse(fields[14 - 3], CultureInfo.InvariantCulture) + long.Parse(fields[15 - 3], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>Minor page faults so far of the process or thread whose stat file is <paramref name="path"/>.</summary>
    public static long MinorFaults(string path) => long.Parse(Fields(path)[10 - 3], CultureInfo.InvariantCulture);

    /// <summary>
    /// CPU of this process's RocksDB threads (named <c>rocksdb:low</c> and <c>rocksdb:high</c>) so far, in seconds; 0
    /// where there is no <c>/proc</c>.
    /// </summary>
    public static double RocksDbThreadsCpuSeconds()
    {
        if (!Directory.Exists("/proc/self/task"))
        {
            return 0;
        }

        var seconds = 0.0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith("rocksdb:", StringComparison.Ordinal))
                {
                    seconds += CpuSeconds(Path.Combine(task, "stat"));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The thread ended between the listing and the read.
            }
        }

        return seconds;
    }

    // The fields after the command name (field 2), which is in parentheses and may hold spaces: field n is at n - 3.
    private static string[] Fields(string path)
    {
        var stat = File.ReadAllText(path);
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }
}
