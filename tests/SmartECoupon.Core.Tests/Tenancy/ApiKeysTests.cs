using System.Security.Cryptography;
using System.Text;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Core.Tests.Tenancy;

public class ApiKeysTests
{
    private static readonly string TenantId = EntityIds.New(EntityIds.TenantPrefix, DateTimeOffset.UtcNow);

    [Fact]
    public void Member_key_carries_its_tenant_and_key_id()
    {
        var issued = ApiKeys.Issue(TenantId);

        Assert.True(ApiKeys.TryParse(issued.Key, out var parts));
        Assert.Equal(TenantId, parts.TenantId);
        Assert.Equal(issued.KeyId, parts.KeyId);
        Assert.False(parts.IsOperatorKey);
    }

    [Fact]
    public void Operator_key_has_no_tenant()
    {
        var issued = ApiKeys.Issue(null);

        Assert.True(ApiKeys.TryParse(issued.Key, out var parts));
        Assert.Null(parts.TenantId);
        Assert.True(parts.IsOperatorKey);
        Assert.StartsWith("sek.op.", issued.Key);
    }

    [Fact]
    public void Stored_hash_is_sha256_of_the_whole_key_and_never_the_key()
    {
        var issued = ApiKeys.Issue(TenantId);

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(issued.Key)), issued.Hash);
        Assert.Equal(32, issued.Hash.Length);
        Assert.DoesNotContain(issued.Key, issued.ToString());
    }

    [Fact]
    public void Matches_accepts_the_key_and_refuses_any_change()
    {
        var issued = ApiKeys.Issue(TenantId);

        Assert.True(ApiKeys.Matches(issued.Key, issued.Hash));
        var lastChar = issued.Key[^1];
        var changed = issued.Key[..^1] + (lastChar == 'A' ? 'B' : 'A');
        Assert.False(ApiKeys.Matches(changed, issued.Hash));
        Assert.False(ApiKeys.Matches(issued.Key, new byte[32]));
        Assert.False(ApiKeys.Matches(issued.Key, issued.Hash.AsSpan(0, 16)));
    }

    [Fact]
    public void A_key_forged_for_another_tenant_fails_the_hash_comparison()
    {
        var issued = ApiKeys.Issue(TenantId);
        var otherTenant = EntityIds.New(EntityIds.TenantPrefix, DateTimeOffset.UtcNow);
        var forged = issued.Key.Replace(TenantId, otherTenant, StringComparison.Ordinal);

        Assert.True(ApiKeys.TryParse(forged, out var parts));
        Assert.Equal(otherTenant, parts.TenantId);
        Assert.False(ApiKeys.Matches(forged, issued.Hash));
    }

    [Fact]
    public void Keys_are_unique_and_carry_256_random_bits()
    {
        var keys = Enumerable.Range(0, 2000).Select(_ => ApiKeys.Issue(TenantId)).ToList();

        Assert.Equal(keys.Count, keys.Select(k => k.Key).Distinct().Count());
        Assert.Equal(keys.Count, keys.Select(k => k.KeyId).Distinct().Count());
        var secret = keys[0].Key.Split('.')[3];
        Assert.Equal(32, Convert.FromBase64String(secret.Replace('-', '+').Replace('_', '/') + "=").Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer sek.op.abcdefghjkmnpqrs.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sek.op.abcdefghjkmnpqrs")]
    [InlineData("sk.op.abcdefghjkmnpqrs.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sek.op.abcdefghjkmnpqr.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // key id too short
    [InlineData("sek.op.ABCDEFGHJKMNPQRS.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // key id upper case
    [InlineData("sek.op.abcdefghjkmnpqrs.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")] // not base64url
    [InlineData("sek.tnt_x.abcdefghjkmnpqrs.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // not a tenant id
    [InlineData("sek.op.abcdefghjkmnpqrs.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.x")]
    public void TryParse_refuses_malformed_keys(string? key)
    {
        Assert.False(ApiKeys.TryParse(key, out _));
    }

    [Fact]
    public void TryParse_refuses_very_long_input_without_splitting_it()
    {
        Assert.False(ApiKeys.TryParse(new string('.', 1_000_000), out _));
    }

    [Fact]
    public void Issue_refuses_a_tenant_id_that_cannot_be_carried()
    {
        Assert.Throws<ArgumentException>(() => ApiKeys.Issue("tenant.with.dots"));
    }
}
