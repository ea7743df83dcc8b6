using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Chain.Node.Tests.Faults;

/// <summary>
/// Hosts in network namespaces of their own, each with its own address on one subnet, joined by veth pairs to a
/// bridge in the root namespace. <see cref="Split"/> moves some hosts' links to a second bridge, so the two groups
/// lose each other while every process keeps running and no socket is told; <see cref="Heal"/> moves them back.
/// Linux, root and iproute2 only: <see cref="UnavailableReason"/> says why not elsewhere. Disposing removes it all.
/// </summary>
/// <remarks>
/// Names are <c>ch&lt;pid hex&gt;-&lt;n&gt;</c> plus a role letter and index (at most 15 characters, the limit
/// for interface names), so concurrent test runs never touch each other's, and leftovers of a run that died are
/// recognised by their dead process id and removed. The subnet exists only inside the namespaces (the bridges have
/// no address and no uplink), so it cannot clash with the machine's own routes and nothing leaves the machine.
/// </remarks>
internal sealed partial class NamespaceNetwork : IDisposable
{
    /// <summary>The hosts' subnet: host <c>i</c> is <c>Subnet.(i + 1)</c>, prefix /24.</summary>
    public const string Subnet = "10.213.77";

    /// <summary>Longest interface name Linux accepts (IFNAMSIZ less the terminating zero).</summary>
    private const int MaxInterfaceName = 15;

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);
    private static readonly Lazy<string?> IpCommand = new(LocateIp);
    private static readonly Lazy<string?> Unavailable = new(Probe);
    private static int _instances;

    private readonly string _ip;
    private readonly string _tag;

    /// <summary>Creates <paramref name="hosts"/> namespaces, each linked to the first bridge, <c>lo</c> and its link up.</summary>
    public NamespaceNetwork(int hosts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hosts, 1);
        _ip = IpCommand.Value ?? throw new InvalidOperationException("the ip command (iproute2) is not installed");
        _tag = string.Create(CultureInfo.InvariantCulture, $"ch{Environment.ProcessId:x}-{Interlocked.Increment(ref _instances)}");
        Hosts = hosts;
        if (Veth(hosts - 1).Length > MaxInterfaceName)
        {
            throw new ArgumentOutOfRangeException(nameof(hosts), $"{Veth(hosts - 1)} is longer than {MaxInterfaceName} characters");
        }

        RemoveLeftovers(_ip);
        try
        {
            foreach (var bridge in new[] { Bridge(0), Bridge(1) })
            {
                Must("link", "add", bridge, "type", "bridge");

                // Bridged frames skip the host firewall (a Docker host drops forwarded traffic by default); best effort.
                Run(_ip, "link", "set", bridge, "type", "bridge", "nf_call_iptables", "0", "nf_call_ip6tables", "0");
                Must("link", "set", bridge, "up");
            }

            for (var host = 0; host < hosts; host++)
            {
                var ns = Namespace(host);
                Must("netns", "add", ns);
                Must("link", "add", Veth(host), "type", "veth", "peer", "name", "eth0", "netns", ns);
                Must("link", "set", Veth(host), "master", Bridge(0), "up");
                Must("-n", ns, "addr", "add", $"{Address(host)}/24", "dev", "eth0");
                Must("-n", ns, "link", "set", "eth0", "up");
                Must("-n", ns, "link", "set", "lo", "up");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Null where namespaces can be made here; otherwise why not (not Linux, not root, no <c>ip</c>, or creating a
    /// namespace, a bridge or a veth pair failed). Found once per process by building and removing a one-host network.
    /// </summary>
    public static string? UnavailableReason => Unavailable.Value;

    /// <summary>Number of hosts.</summary>
    public int Hosts { get; }

    /// <summary>The address of host <paramref name="host"/> (from 0).</summary>
    public static string Address(int host) => string.Create(CultureInfo.InvariantCulture, $"{Subnet}.{host + 1}");

    /// <summary>The command prefix that runs a program inside host <paramref name="host"/>'s namespace (it execs in place).</summary>
    public IReadOnlyList<string> Launcher(int host) => [_ip, "netns", "exec", Namespace(host)];

    /// <summary>Moves the links of <paramref name="hosts"/> to the second bridge: they reach each other, not the rest.</summary>
    public void Split(params int[] hosts)
    {
        foreach (var host in hosts)
        {
            Must("link", "set", Veth(host), "master", Bridge(1));
        }
    }

    /// <summary>Puts every host's link back on the first bridge.</summary>
    public void Heal()
    {
        for (var host = 0; host < Hosts; host++)
        {
            Must("link", "set", Veth(host), "master", Bridge(0));
        }
    }

    /// <summary>Removes the links, namespaces and bridges; never throws (a part that was never made is skipped).</summary>
    public void Dispose()
    {
        // Deleting the root side of a veth pair removes both ends even while a process still holds the namespace.
        for (var host = 0; host < Hosts; host++)
        {
            Run(_ip, "link", "del", Veth(host));
            Run(_ip, "netns", "del", Namespace(host));
        }

        Run(_ip, "link", "del", Bridge(0));
        Run(_ip, "link", "del", Bridge(1));
    }

    private string Bridge(int index) => string.Create(CultureInfo.InvariantCulture, $"{_tag}b{index}");

    private string Veth(int host) => string.Create(CultureInfo.InvariantCulture, $"{_tag}v{host}");

    private string Namespace(int host) => string.Create(CultureInfo.InvariantCulture, $"{_tag}n{host}");

    private void Must(params string[] args)
    {
        var (exitCode, error) = Run(_ip, args);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"'ip {string.Join(' ', args)}' failed ({exitCode}): {error.Trim()}");
        }
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces need Linux";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "network namespaces need root (ip netns add); this test run is not root";
        }

        if (IpCommand.Value is null)
        {
            return "the ip command (iproute2) is not installed";
        }

        try
        {
            using var probe = new NamespaceNetwork(1);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"network namespaces cannot be made here: {e.Message}";
        }
    }

    // Names of this kind whose process is gone: a run killed before it could clean up.
    private static void RemoveLeftovers(string ip)
    {
        var (_, namespaces) = RunForOutput(ip, "netns", "list");
        var (_, links) = RunForOutput(ip, "-o", "link", "show");
        foreach (var name in Names(namespaces, @"^(\S+)").Where(IsLeftover))
        {
            Run(ip, "netns", "del", name);
        }

        // Veths first: a bridge goes once its ports are gone.
        foreach (var name in Names(links, @"^\d+:\s*([^:@\s]+)").Where(IsLeftover).OrderBy(n => OwnName().Match(n).Groups["role"].Value == "b"))
        {
            Run(ip, "link", "del", name);
        }

        static IEnumerable<string> Names(string output, string pattern) =>
            output.Split('\n').Select(line => Regex.Match(line, pattern)).Where(m => m.Success).Select(m => m.Groups[1].Value);

        static bool IsLeftover(string name)
        {
            var match = OwnName().Match(name);
            return match.Success
                && int.TryParse(match.Groups["pid"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var pid)
                && pid != Environment.ProcessId
                && !Directory.Exists($"/proc/{pid}");
        }
    }

    private static (int ExitCode, string Error) Run(string ip, params string[] args)
    {
        var (exitCode, _, error) = Execute(ip, args);
        return (exitCode, error);
    }

    private static (int ExitCode, string Output) RunForOutput(string ip, params string[] args)
    {
        var (exitCode, output, _) = Execute(ip, args);
        return (exitCode, output);
    }

    private static (int ExitCode, string Output, string Error) Execute(string ip, string[] args)
    {
        var info = new ProcessStartInfo(ip)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{ip} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill();
            throw new InvalidOperationException($"'ip {string.Join(' ', args)}' did not finish within {CommandTimeout.TotalSeconds:0} s");
        }

        return (process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    private static string? LocateIp()
    {
        // sbin folders are not on every user's PATH; root's ip usually lives there.
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return path.Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]).Select(dir => Path.Combine(dir, "ip")).FirstOrDefault(File.Exists);
    }

    [GeneratedRegex(@"^ch(?<pid>[0-9a-f]+)-\d+(?<role>[bvn])\d+$")]
    private static partial Regex OwnName();
}
