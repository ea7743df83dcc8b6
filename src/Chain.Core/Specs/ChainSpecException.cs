namespace Chain.Core.Specs;

/// <summary>
/// A chain spec that cannot define a network: unreadable JSON or values out of range. Each entry of
/// <see cref="Errors"/> starts with the field's path (<c>consensus.periodSeconds: must be at least 1</c>).
/// </summary>
public sealed class ChainSpecException : Exception
{
    /// <summary>Creates the exception from one message per faulty field.</summary>
    public ChainSpecException(IReadOnlyList<string> errors, Exception? inner = null)
        : base(string.Join("; ", errors), inner)
    {
        Errors = errors;
    }

    /// <summary>One message per faulty field, each starting with the field's path.</summary>
    public IReadOnlyList<string> Errors { get; }
}
