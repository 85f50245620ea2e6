using Microsoft.Extensions.Time.Testing;

namespace SmartECoupon.Core.Tests;

public class EntityIdsTests
{
    [Fact]
    public void New_id_has_prefix_and_26_character_body_and_passes_the_shape_check()
    {
        var id = EntityIds.New(EntityIds.CouponPrefix, DateTimeOffset.UnixEpoch.AddYears(56));

        Assert.StartsWith("cpn_", id);
        Assert.Equal(4 + 26, id.Length);
        Assert.True(EntityIds.HasShape(id, EntityIds.CouponPrefix));
        Assert.False(EntityIds.HasShape(id, EntityIds.StorePrefix));
    }

    [Fact]
    public void Ids_sort_in_creation_order_across_milliseconds()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero));
        var ids = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            ids.Add(EntityIds.New("red", time.GetUtcNow()));
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(ids, ids.OrderBy(x => x, StringComparer.Ordinal));
    }

    [Fact]
    public void Ids_created_in_the_same_millisecond_are_distinct()
    {
        var now = new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 100_000).Select(_ => EntityIds.New("tkt", now)).ToHashSet();

        Assert.Equal(100_000, ids.Count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("cpn_")]
    [InlineData("cpn_01jdx3k9v2m7q8r4s5t6w7x8y")] // 25 characters
    [InlineData("cpn-01jdx3k9v2m7q8r4s5t6w7x8y9")]
    [InlineData("cpn_01JDX3K9V2M7Q8R4S5T6W7X8Y9")] // upper case is not ours
    [InlineData("cpn_01jdx3k9v2m7q8r4s5t6w7x8yu")] // u is not Crockford
    [InlineData("CPN_01jdx3k9v2m7q8r4s5t6w7x8y9")]
    public void Shape_check_refuses_what_is_not_an_id(string? candidate)
    {
        Assert.False(EntityIds.HasShape(candidate, EntityIds.CouponPrefix));
    }
}

public class EntityIdsMonotonicTests
{
    [Fact]
    public void Ids_of_one_millisecond_sort_in_creation_order_and_a_clock_stepping_back_does_not_reorder()
    {
        var now = new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 1000).Select(_ => EntityIds.New("aud", now)).ToList();
        ids.Add(EntityIds.New("aud", now.AddSeconds(-5)));

        Assert.Equal(ids, ids.OrderBy(x => x, StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Each_id_draws_fresh_random_bits_so_none_follows_from_the_one_before()
    {
        // A tenant and its first administrator are created in the same millisecond: the second id must not be the first
        // plus one (as the ULID monotonic mode made it), nor share its random part.
        var now = new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero);
        var values = Enumerable.Range(0, 1000).Select(_ => Decode(EntityIds.New("mem", now)[4..])).ToList();
        var randomMask = (UInt128.One << 68) - 1;

        var pairs = values.Zip(values.Skip(1)).ToList();
        Assert.All(pairs, pair => Assert.NotEqual(pair.First + 1, pair.Second));
        Assert.All(pairs, pair => Assert.NotEqual(pair.First & randomMask, pair.Second & randomMask));
        // Fresh bits: about half of the 68 differ between neighbours (a counter would change a few low ones).
        var meanDiffering = pairs.Average(pair => (double)UInt128.PopCount((pair.First ^ pair.Second) & randomMask));
        Assert.InRange(meanDiffering, 30, 38);
    }

    private static UInt128 Decode(string body)
    {
        const string crockford = "0123456789abcdefghjkmnpqrstvwxyz";
        UInt128 value = 0;
        foreach (var c in body)
        {
            value = (value << 5) | (uint)crockford.IndexOf(c, StringComparison.Ordinal);
        }
        return value;
    }
}
