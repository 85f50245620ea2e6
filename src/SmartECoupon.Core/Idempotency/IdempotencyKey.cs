using System.Diagnostics.CodeAnalysis;

namespace SmartECoupon.Idempotency;

/// <summary>
/// A client's <c>Idempotency-Key</c>: 1–255 visible ASCII characters (a V4 UUID is a good choice). Keys are scoped to
/// the tenant, so two tenants can use the same key without meeting.
/// </summary>
public readonly record struct IdempotencyKey
{
    /// <summary>The longest key.</summary>
    public const int MaxLength = 255;

    private IdempotencyKey(string value) => Value = value;

    /// <summary>The key.</summary>
    public string Value { get; }

    /// <summary>Checks <paramref name="value"/> and wraps it.</summary>
    public static bool TryCreate([NotNullWhen(true)] string? value, out IdempotencyKey key)
    {
        key = default;
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            return false;
        }
        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }
        key = new IdempotencyKey(value);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Value ?? "";
}
