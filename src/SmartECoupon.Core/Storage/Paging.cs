using System.Diagnostics.CodeAnalysis;

namespace SmartECoupon.Storage;

/// <summary>A request for one page of a list: how many items, and where the previous page ended.</summary>
public readonly record struct PageRequest
{
    /// <summary>The default page size.</summary>
    public const int DefaultLimit = 50;

    /// <summary>The largest page size.</summary>
    public const int MaxLimit = 200;

    /// <summary>The longest cursor accepted.</summary>
    public const int MaxCursorLength = 200;

    /// <summary>Creates a request; see <see cref="TryCreate"/> to check untrusted input.</summary>
    public PageRequest(int limit = DefaultLimit, string? cursor = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        if (cursor is { Length: > MaxCursorLength })
        {
            throw new ArgumentException("The cursor is too long.", nameof(cursor));
        }
        Limit = limit;
        Cursor = cursor;
    }

    /// <summary>How many items at most (1–200).</summary>
    public int Limit { get; }

    /// <summary>The opaque cursor of the previous page's end; <see langword="null"/> for the first page.</summary>
    public string? Cursor { get; }

    /// <summary>Checks a caller's <c>limit</c> and <c>cursor</c>.</summary>
    public static bool TryCreate(int? limit, string? cursor, out PageRequest page, [NotNullWhen(false)] out string? problemField)
    {
        page = default;
        if (limit is { } l && l is < 1 or > MaxLimit)
        {
            problemField = "limit";
            return false;
        }
        if (cursor is { Length: 0 or > MaxCursorLength })
        {
            problemField = "cursor";
            return false;
        }
        page = new PageRequest(limit ?? DefaultLimit, cursor);
        problemField = null;
        return true;
    }
}

/// <summary>One page of a list, and the cursor of the next page (<see langword="null"/> on the last).</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The items.</param>
/// <param name="NextCursor">The cursor of the next page.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
