using System.Globalization;

namespace Chain.Benchmarks.Quick;

/// <summary>Prints one line per figure, <c>name value unit</c>, as soon as it is known, and keeps them for ratios.</summary>
internal sealed class Report
{
    private readonly Dictionary<string, double> _figures = new(StringComparer.Ordinal);
    private readonly List<string> _verdicts = [];

    public void Add(string name, double value, string unit)
    {
        _figures[name] = value;
        var text = Math.Abs(value) >= 100 ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);
        Console.Out.WriteLine($"{name} {text} {unit}");
        Console.Out.Flush();
    }

    public double? Get(string name) => _figures.TryGetValue(name, out var value) ? value : null;

    /// <summary>A target: prints the ratio (or value) as a figure and remembers the verdict for the summary.</summary>
    public void Target(string name, double? value, string unit, string comparison, double bound, string meaning)
    {
        if (value is not { } v || double.IsNaN(v))
        {
            _verdicts.Add($"# n/a   {name}: {meaning} (not measured)");
            return;
        }

        Add(name, v, unit);
        var met = comparison switch
        {
            ">=" => v >= bound,
            "<=" => v <= bound,
            "<" => v < bound,
            _ => throw new ArgumentOutOfRangeException(nameof(comparison)),
        };
        _verdicts.Add(string.Create(CultureInfo.InvariantCulture, $"# {(met ? "PASS" : "FAIL")}  {name} = {v:0.###} {unit} (target {comparison} {bound:0.###}): {meaning}"));
    }

    public void Note(string text)
    {
        Console.Out.WriteLine($"# {text}");
        Console.Out.Flush();
    }

    public void PrintVerdicts()
    {
        Note("targets:");
        foreach (var line in _verdicts)
        {
            Console.Out.WriteLine(line);
        }
    }
}
