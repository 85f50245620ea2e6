using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace SmartECoupon.Tenancy;

/// <summary>A freshly issued API key: the plain key to show once, and what may be stored.</summary>
/// <param name="Key">The plain key. Show it to its owner once; never store or log it.</param>
/// <param name="KeyId">The public identifier part, stored to find the key's owner.</param>
/// <param name="Hash">SHA-256 of <paramref name="Key"/>, the only form in which the key is stored.</param>
public sealed record IssuedApiKey(string Key, string KeyId, byte[] Hash)
{
    /// <summary>Hides the key from logs and debugger displays.</summary>
    public override string ToString() => $"IssuedApiKey {{ KeyId = {KeyId} }}";
}

/// <summary>The parts of a well-formed API key.</summary>
/// <param name="TenantId">The tenant the key belongs to; <see langword="null"/> for an operator key.</param>
/// <param name="KeyId">The public identifier part.</param>
public readonly record struct ApiKeyParts(string? TenantId, string KeyId)
{
    /// <summary>Whether this is an operator key.</summary>
    public bool IsOperatorKey => TenantId is null;
}

/// <summary>
/// Issues, parses and checks API keys. A key reads <c>sek.&lt;scope&gt;.&lt;keyId&gt;.&lt;secret&gt;</c>: the scope is the
/// tenant identifier (or <c>op</c> for an operator), so a request's tenant is known from its key before any
/// tenant data is read; the key identifier finds the owner; the secret is 256 random bits.
/// </summary>
/// <remarks>
/// Only the SHA-256 of the whole key is stored. With 256 bits of entropy a fast hash is the right tool (a slow
/// password hash would add nothing but latency), a copy of the table is not a set of working keys, and a forged
/// key naming another tenant fails the hash comparison, which runs in constant time.
/// </remarks>
public static class ApiKeys
{
    /// <summary>The scope that marks operator keys.</summary>
    public const string OperatorScope = "op";

    private const string Prefix = "sek";
    private const int KeyIdLength = 16;
    private const int SecretBytes = 32;
    private const int SecretLength = 43; // base64url of 32 bytes, no padding
    private const int MaxKeyLength = 160;
    private const string KeyIdAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    /// <summary>Issues a new key for a member of <paramref name="tenantId"/>, or for an operator when it is <see langword="null"/>.</summary>
    public static IssuedApiKey Issue(string? tenantId)
    {
        if (tenantId is not null && !IsTenantScope(tenantId))
        {
            throw new ArgumentException("The tenant identifier cannot be carried in an API key.", nameof(tenantId));
        }
        Span<byte> idBytes = stackalloc byte[KeyIdLength];
        RandomNumberGenerator.Fill(idBytes);
        Span<char> keyId = stackalloc char[KeyIdLength];
        for (var i = 0; i < KeyIdLength; i++)
        {
            keyId[i] = KeyIdAlphabet[idBytes[i] & 31];
        }
        Span<byte> secret = stackalloc byte[SecretBytes];
        RandomNumberGenerator.Fill(secret);
        var key = string.Join('.', Prefix, tenantId ?? OperatorScope, new string(keyId), Base64Url.Encode(secret));
        return new IssuedApiKey(key, new string(keyId), ComputeHash(key));
    }

    /// <summary>Reads the tenant and key identifier out of <paramref name="key"/> without checking the secret.</summary>
    public static bool TryParse([NotNullWhen(true)] string? key, out ApiKeyParts parts)
    {
        parts = default;
        if (key is null || key.Length > MaxKeyLength)
        {
            return false;
        }
        var segments = key.Split('.');
        if (segments.Length != 4 || segments[0] != Prefix)
        {
            return false;
        }
        var scope = segments[1];
        var keyId = segments[2];
        var secret = segments[3];
        if (keyId.Length != KeyIdLength || !keyId.All(c => KeyIdAlphabet.Contains(c, StringComparison.Ordinal)))
        {
            return false;
        }
        if (secret.Length != SecretLength || !secret.All(Base64Url.IsChar))
        {
            return false;
        }
        if (scope == OperatorScope)
        {
            parts = new ApiKeyParts(null, keyId);
            return true;
        }
        if (!IsTenantScope(scope))
        {
            return false;
        }
        parts = new ApiKeyParts(scope, keyId);
        return true;
    }

    /// <summary>SHA-256 of the key's UTF-8 bytes: the stored form of a key.</summary>
    public static byte[] ComputeHash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    /// <summary>Tells in constant time whether <paramref name="key"/> hashes to <paramref name="storedHash"/>.</summary>
    public static bool Matches(string key, ReadOnlySpan<byte> storedHash)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), actual);
        return CryptographicOperations.FixedTimeEquals(actual, storedHash);
    }

    private static bool IsTenantScope(string scope) => EntityIds.HasShape(scope, EntityIds.TenantPrefix);
}
