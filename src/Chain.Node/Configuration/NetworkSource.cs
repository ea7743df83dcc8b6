using Chain.Core.Ledger;
using Chain.Core.Specs;

namespace Chain.Node.Configuration;

/// <summary>
/// What <c>--network</c> names: a compiled-in network (<c>main</c>, <c>dev</c>) or the path of a chain-spec file.
/// Errors name the setting, the file and the spec's field.
/// </summary>
public static class NetworkSource
{
    /// <summary>The setting as error messages name it.</summary>
    public const string Setting = "--network (Node:Network)";

    /// <summary>
    /// The network <paramref name="value"/> names, or null with one message per problem in <paramref name="errors"/>
    /// (each starting with <paramref name="setting"/>, then the file and the field).
    /// </summary>
    public static NetworkParameters? TryResolve(string? value, out IReadOnlyList<string> errors, string setting = Setting)
    {
        errors = [];
        if (NetworkParameters.Find(value) is { } builtIn)
        {
            return builtIn;
        }

        if (string.IsNullOrWhiteSpace(value) || !File.Exists(value))
        {
            errors = [LooksLikePath(value)
                ? $"{setting}: chain-spec file '{value}' not found"
                : $"{setting}: unknown network '{value}' (use {string.Join(", ", NetworkParameters.All.Select(n => n.Name))} or the path of a chain-spec file)"];
            return null;
        }

        var file = Path.GetFullPath(value);
        NetworkParameters network;
        try
        {
            network = NetworkParameters.FromSpec(ChainSpecFile.Read(file));
        }
        catch (ChainSpecException e)
        {
            errors = [.. e.Errors.Select(error => $"{setting}: {file}: {error}")];
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors = [$"{setting}: cannot read {file}: {e.Message}"];
            return null;
        }

        // A file may restate a compiled-in network (what --print-network writes), but not take its name for another
        // network: the name is what a data folder records, and a node would mistake one for the other.
        if (NetworkParameters.Find(network.Name) is { } named && named.GenesisHash != network.GenesisHash)
        {
            errors = [$"{setting}: {file}: name: '{network.Name}' is a compiled-in network, and this spec differs from it (genesis {network.GenesisHash}, not {named.GenesisHash}); give your network its own name"];
            return null;
        }

        return network;
    }

    /// <summary>The network <paramref name="value"/> names; throws <see cref="InvalidOperationException"/> with the messages of <see cref="TryResolve"/> (start-up validated it already).</summary>
    public static NetworkParameters Resolve(string? value) =>
        TryResolve(value, out var errors) ?? throw new InvalidOperationException(string.Join("; ", errors));

    private static bool LooksLikePath(string? value) =>
        value is not null && (value.Contains('/', StringComparison.Ordinal) || value.Contains('\\', StringComparison.Ordinal) || value.EndsWith(".json", StringComparison.OrdinalIgnoreCase));
}
