namespace Chain.Node.Tests.Faults;

/// <summary>
/// A fact that needs <see cref="NamespaceNetwork"/>: skipped, with the reason, where network namespaces cannot be
/// made (not Linux, not root, no <c>ip</c>). xunit 2 has no skip from inside a running test (<c>Assert.Skip</c> is
/// xunit 3), so the reason is found when the test is discovered.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class NamespaceFactAttribute : FactAttribute
{
    public NamespaceFactAttribute()
    {
        if (NamespaceNetwork.UnavailableReason is { } reason)
        {
            Skip = $"needs network namespaces: {reason}";
        }
    }
}
