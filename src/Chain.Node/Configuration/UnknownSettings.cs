using System.Reflection;
using Chain.Network.Peers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace Chain.Node.Configuration;

/// <summary>
/// Finds settings the node does not know (a misspelled <c>CHAIN_NODE__PROT</c> would otherwise be ignored without a
/// word): keys of the <c>Node</c> and <c>Network</c> sections that name no setting, and other top-level sections of
/// a settings file. Each is reported with where it came from.
/// </summary>
public static class UnknownSettings
{
    /// <summary>Top-level sections the node reads besides Node and Network.</summary>
    private static readonly string[] OtherSections = ["Logging", CommandLine.ConfigKey];

    /// <summary>Each unknown key and its source, e.g. <c>Node:Prot (environment variable CHAIN_NODE__PROT)</c>.</summary>
    public static IReadOnlyList<string> Find(IConfigurationRoot configuration)
    {
        var found = new List<string>();
        foreach (var (key, _) in configuration.AsEnumerable())
        {
            var parts = key.Split(ConfigurationPath.KeyDelimiter);
            var known = parts[0].ToUpperInvariant() switch
            {
                "NODE" => parts.Length == 1 || (parts.Length == 2 && IsProperty<NodeOptions>(parts[1])),
                "NETWORK" => parts.Length == 1 || IsProperty<PeerManagerOptions>(parts[1]),
                _ => OtherSections.Contains(parts[0], StringComparer.OrdinalIgnoreCase) || !FromSettingsFile(configuration, key),
            };
            if (!known && configuration.GetSection(key).Value is not null)
            {
                found.Add($"{key} ({Source(configuration, key)})");
            }
        }

        return found;
    }

    private static bool IsProperty<T>(string name) =>
        typeof(T).GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { CanWrite: true };

    // Other CHAIN_ variables (CHAIN_WALLET_PASSPHRASE, a test's CHAIN_MODEL_SEED) are not settings: only a
    // settings file's stray sections are reported outside Node and Network.
    private static bool FromSettingsFile(IConfigurationRoot configuration, string key) =>
        configuration.Providers.Reverse().FirstOrDefault(p => p.TryGet(key, out _)) is JsonConfigurationProvider;

    private static string Source(IConfigurationRoot configuration, string key) =>
        configuration.Providers.Reverse().FirstOrDefault(p => p.TryGet(key, out _)) switch
        {
            JsonConfigurationProvider json => json.Source.Path ?? "settings file",
            EnvironmentVariablesConfigurationProvider => "environment variable CHAIN_" + key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant(),
            _ => "command line",
        };
}
