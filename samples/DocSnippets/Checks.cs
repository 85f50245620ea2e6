namespace SmartECoupon.DocSnippets;

/// <summary>What the docs claim about each snippet, checked; the failures are printed and set the exit code.</summary>
internal sealed class Checks
{
    private readonly List<string> _failures = [];
    private int _count;

    public void That(bool holds, string claim)
    {
        _count++;
        if (!holds)
        {
            _failures.Add(claim);
        }
    }

    public void Equal<T>(T expected, T actual, string claim) =>
        That(EqualityComparer<T>.Default.Equals(expected, actual), $"{claim}: expected {expected}, got {actual}");

    public int Report()
    {
        foreach (var failure in _failures)
        {
            Console.Error.WriteLine("FAILED: " + failure);
        }
        Console.WriteLine($"Doc snippets: {_count - _failures.Count} of {_count} claims hold.");
        return _failures.Count == 0 ? 0 : 1;
    }
}
