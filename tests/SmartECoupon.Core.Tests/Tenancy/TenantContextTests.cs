using SmartECoupon.Tenancy;

namespace SmartECoupon.Core.Tests.Tenancy;

public class TenantContextTests
{
    private readonly AsyncLocalTenantContext _context = new();

    [Fact]
    public void Without_a_scope_there_is_no_tenant_and_requiring_one_throws()
    {
        Assert.Null(_context.TenantId);
        Assert.Throws<TenantNotSetException>(() => _context.RequireTenantId());
    }

    [Fact]
    public void Scopes_nest_and_restore_the_outer_tenant()
    {
        using (_context.BeginScope("tnt_a"))
        {
            Assert.Equal("tnt_a", _context.RequireTenantId());
            using (_context.BeginScope("tnt_b"))
            {
                Assert.Equal("tnt_b", _context.TenantId);
                using (_context.BeginScope(null))
                {
                    Assert.Null(_context.TenantId);
                }
                Assert.Equal("tnt_b", _context.TenantId);
            }
            Assert.Equal("tnt_a", _context.TenantId);
        }
        Assert.Null(_context.TenantId);
    }

    [Fact]
    public void Disposing_a_scope_twice_does_not_restore_twice()
    {
        using var outer = _context.BeginScope("tnt_a");
        var inner = _context.BeginScope("tnt_b");
        inner.Dispose();
        using (_context.BeginScope("tnt_c"))
        {
            inner.Dispose();
            Assert.Equal("tnt_c", _context.TenantId);
        }
        Assert.Equal("tnt_a", _context.TenantId);
    }

    [Fact]
    public async Task The_tenant_flows_across_awaits_and_does_not_leak_between_parallel_flows()
    {
        var seen = new System.Collections.Concurrent.ConcurrentBag<(string Expected, string? Actual)>();
        await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            var tenant = $"tnt_{i}";
            using var scope = _context.BeginScope(tenant);
            await Task.Yield();
            await Task.Delay(1);
            seen.Add((tenant, _context.TenantId));
        }));

        Assert.Equal(50, seen.Count);
        Assert.All(seen, s => Assert.Equal(s.Expected, s.Actual));
        Assert.Null(_context.TenantId);
    }

    [Fact]
    public void A_blank_tenant_id_is_refused()
    {
        Assert.Throws<ArgumentException>(() => _context.BeginScope("  "));
    }

    [Theory]
    [InlineData(TenantStatus.Active, null, "2026-12-01", true)]
    [InlineData(TenantStatus.Cancelled, "2026-12-01", "2026-11-30", true)]
    [InlineData(TenantStatus.Cancelled, "2026-12-01", "2026-12-01", false)]
    [InlineData(TenantStatus.Cancelled, "2026-12-01", "2026-12-02", false)]
    [InlineData(TenantStatus.Purged, "2026-12-01", "2026-11-01", false)]
    public void A_tenant_accepts_writes_only_until_its_cancellation_takes_effect(TenantStatus status, string? cancelledOn, string today, bool expected)
    {
        var tenant = new Tenant
        {
            Id = "tnt_x",
            Name = "x",
            Status = status,
            CancelledOn = cancelledOn is null ? null : DateOnly.Parse(cancelledOn, System.Globalization.CultureInfo.InvariantCulture),
        };

        Assert.Equal(expected, tenant.AcceptsWritesOn(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
