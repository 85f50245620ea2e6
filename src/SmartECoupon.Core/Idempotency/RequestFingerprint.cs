using System.Security.Cryptography;
using System.Text;

namespace SmartECoupon.Idempotency;

/// <summary>
/// What identifies a request for idempotency: SHA-256 over its method, its path (each prefixed with its length) and the canonical form of its JSON
/// body (see <see cref="CanonicalJson"/>), as 64 lower-case hex digits.
/// </summary>
public readonly record struct RequestFingerprint
{
    private RequestFingerprint(string value) => Value = value;

    /// <summary>The fingerprint as hex.</summary>
    public string Value { get; }

    /// <summary>
    /// Computes the fingerprint of a request with a JSON body: the body counts in its canonical form (members sorted, no
    /// white space, one escaping), so key order and white space do not make two requests differ. Returns
    /// <see langword="false"/> when <paramref name="utf8Json"/> is not JSON.
    /// </summary>
    /// <param name="method">The HTTP method (or any verb); compared case-insensitively.</param>
    /// <param name="path">The request path without the query string.</param>
    /// <param name="utf8Json">The body as sent.</param>
    /// <param name="fingerprint">The fingerprint.</param>
    public static bool TryComputeForJson(string method, string path, ReadOnlySpan<byte> utf8Json, out RequestFingerprint fingerprint)
    {
        fingerprint = default;
        if (!CanonicalJson.TryCanonicalize(utf8Json, out var canonical, out _))
        {
            return false;
        }
        fingerprint = Compute(method, path, canonical);
        return true;
    }

    /// <summary>Computes the fingerprint of a request whose body is already canonical (or has no body).</summary>
    /// <param name="method">The HTTP method (or any verb); compared case-insensitively.</param>
    /// <param name="path">The request path without the query string.</param>
    /// <param name="canonicalBody">The canonical body; empty for none.</param>
    public static RequestFingerprint Compute(string method, string path, ReadOnlySpan<byte> canonicalBody)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(path);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // Each part before the body is prefixed with its byte length, so that no choice of method, path and body can
        // produce the bytes of another choice ("/a\n{" + "}" against "/a" + "{\n}").
        AppendPart(hash, Encoding.UTF8.GetBytes(method.ToUpperInvariant()));
        AppendPart(hash, Encoding.UTF8.GetBytes(path));
        hash.AppendData(canonicalBody);
        return new RequestFingerprint(Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static void AppendPart(IncrementalHash hash, byte[] part)
    {
        hash.AppendData(Encoding.ASCII.GetBytes(part.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        hash.AppendData(":"u8);
        hash.AppendData(part);
        hash.AppendData("\n"u8);
    }

    /// <summary>Wraps a fingerprint read back from storage.</summary>
    public static RequestFingerprint FromStored(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (value.Length != 64 || !value.All(char.IsAsciiHexDigitLower))
        {
            throw new FormatException("A stored fingerprint is 64 lower-case hex digits.");
        }
        return new RequestFingerprint(value);
    }

    /// <inheritdoc />
    public override string ToString() => Value ?? "";
}
