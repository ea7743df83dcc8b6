using Chain.Node.Configuration;

namespace Chain.Node.Tests.Configuration;

public sealed class CommandLineTests
{
    [Fact]
    public void Normalize_NoArguments_Empty()
    {
        var (args, error) = CommandLine.Normalize([]);
        Assert.Null(error);
        Assert.Empty(args!);
    }

    [Fact]
    public void Normalize_SwitchesWithValues_PassedThrough()
    {
        var (args, error) = CommandLine.Normalize(["--port", "7101", "--peers", "a:1,b:2@id", "--network", "dev"]);
        Assert.Null(error);
        Assert.Equal(["--port", "7101", "--peers", "a:1,b:2@id", "--network", "dev"], args!);
    }

    [Theory]
    [InlineData(new[] { "--mine" }, new[] { "--mine", "true" })]
    [InlineData(new[] { "--mine", "--port", "1" }, new[] { "--mine", "true", "--port", "1" })]
    [InlineData(new[] { "--port", "1", "--mine" }, new[] { "--port", "1", "--mine", "true" })]
    [InlineData(new[] { "--mine", "false" }, new[] { "--mine", "false" })]
    public void Normalize_MineFlag_AloneMeansTrue(string[] input, string[] expected)
    {
        var (args, error) = CommandLine.Normalize(input);
        Assert.Null(error);
        Assert.Equal(expected, args!);
    }

    [Fact]
    public void Normalize_EqualsForm_KeptWhole()
    {
        var (args, error) = CommandLine.Normalize(["--port=7071", "--mine=false"]);
        Assert.Null(error);
        Assert.Equal(["--port=7071", "--mine=false"], args!);
    }

    [Fact]
    public void Normalize_NegativeNumber_IsAValue()
    {
        var (args, error) = CommandLine.Normalize(["--miner-threads", "-1"]);
        Assert.Null(error);
        Assert.Equal(["--miner-threads", "-1"], args!);
    }

    [Theory]
    [InlineData("--frobnicate")]
    [InlineData("--Port")]
    [InlineData("-p")]
    [InlineData("stray")]
    [InlineData("--frobnicate=1")]
    public void Normalize_UnknownOption_ErrorNamesIt(string arg)
    {
        var (args, error) = CommandLine.Normalize(["--port", "1", arg]);
        Assert.Null(args);
        Assert.Contains($"unknown option '{arg}'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--port")]
    [InlineData("--peers")]
    [InlineData("--data-dir")]
    public void Normalize_MissingValue_ErrorNamesTheSwitch(string name)
    {
        Assert.Contains($"option {name} needs a value", CommandLine.Normalize([name]).Error, StringComparison.Ordinal);
        Assert.Contains($"option {name} needs a value", CommandLine.Normalize([name, "--mine"]).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void SwitchMappings_EverySwitchToANodeKey()
    {
        var mappings = CommandLine.SwitchMappings;
        Assert.Equal(CommandLine.Options.Count, mappings.Count);
        Assert.All(mappings.Where(m => m.Key != "--config"), m => Assert.StartsWith(NodeOptions.Section + ":", m.Value, StringComparison.Ordinal));
        Assert.Equal(CommandLine.ConfigKey, mappings["--config"]);
        Assert.Equal("Node:Port", mappings["--port"]);
    }

    [Fact]
    public void SwitchMappings_KeysBindToNodeOptionsProperties()
    {
        var properties = typeof(NodeOptions).GetProperties().Select(p => p.Name).ToHashSet();
        Assert.All(CommandLine.Options.Where(o => o.Key != CommandLine.ConfigKey), o => Assert.Contains(o.Key[(NodeOptions.Section.Length + 1)..], properties));
    }

    [Fact]
    public void HelpText_ListsEverySwitchWithItsDefault()
    {
        var help = CommandLine.HelpText();
        foreach (var option in CommandLine.Options)
        {
            Assert.Contains(help.Split('\n'), line => line.TrimStart().StartsWith(option.Switch + " ", StringComparison.Ordinal) && line.Contains($"(default: {option.Default})", StringComparison.Ordinal));
        }

        Assert.Contains("--help", help, StringComparison.Ordinal);
        Assert.Contains("(default: 7070)", help, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeConversionFailure_KnownKey_PrefixedWithSwitch()
    {
        const string message = "Failed to convert configuration value 'abc' at 'Node:Port' to type 'System.Int32'.";
        Assert.Equal("--port (Node:Port): 'abc' is not a whole number", CommandLine.DescribeConversionFailure(message));
        Assert.Equal("something else", CommandLine.DescribeConversionFailure("something else"));
    }
}
