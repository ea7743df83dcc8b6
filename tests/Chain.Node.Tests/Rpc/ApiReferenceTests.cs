using Chain.Node.Operations;

namespace Chain.Node.Tests.Rpc;

/// <summary>API.md and the code cannot drift: every method of the catalog is documented with its usage.</summary>
public sealed class ApiReferenceTests
{
    [Fact]
    public void ApiReference_DocumentsEveryMethodWithItsUsage()
    {
        var reference = File.ReadAllText(Locate("src/Chain.Node/Rpc/API.md"));
        foreach (var method in OperationCatalog.All.Where(m => !m.ConsoleOnly))
        {
            Assert.Contains($"### `{method.Name}`\n`{method.Usage}`", reference, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Readme_LinksTheApiReference()
    {
        Assert.Contains("src/Chain.Node/Rpc/API.md", File.ReadAllText(Locate("README.md")), StringComparison.Ordinal);
    }

    private static string Locate(string relative)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(relative);
    }
}
