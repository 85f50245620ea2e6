using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SmartECoupon.Coupons;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.Core.Tests;

public class OptionsTests
{
    private static OptionsValidationException StartFails(Action<SmartECouponOptions> configure)
    {
        using var provider = CoreServices.Build(configure);
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
    }

    [Fact]
    public void The_defaults_pass_the_start_check()
    {
        using var provider = CoreServices.Build();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var options = provider.GetRequiredService<IOptions<SmartECouponOptions>>().Value;
        Assert.Equal("Asia/Tokyo", options.DefaultTimeZoneId);
        Assert.Equal(10, options.Codes.Length);
        Assert.Equal(TimeSpan.FromHours(24), options.Idempotency.Retention);
    }

    [Theory]
    [InlineData("DefaultTimeZoneId")]
    [InlineData("Codes:Length")]
    [InlineData("Plans:Free:ConcurrentRequests")]
    [InlineData("Plans:Standard:Stores")]
    [InlineData("Plans:*:Members")]
    [InlineData("Idempotency:Retention")]
    [InlineData("Idempotency:InFlightLease")]
    [InlineData("Fields:CouponTitle")]
    [InlineData("Fields:StoreName")]
    [InlineData("Fields:UserKey")]
    [InlineData("ConcurrencyRetryAfter")]
    [InlineData("ApiKeys:CacheDuration")]
    public void A_bad_setting_stops_the_start_and_is_named(string setting)
    {
        Action<SmartECouponOptions> breakIt = setting switch
        {
            "DefaultTimeZoneId" => o => o.DefaultTimeZoneId = "Mars/Olympus_Mons",
            "Codes:Length" => o => o.Codes.Length = 4,
            "Plans:Free:ConcurrentRequests" => o => o.Plans.Free.ConcurrentRequests = 0,
            "Plans:Standard:Stores" => o => o.Plans.Standard.Stores = -1,
            "Plans:*:Members" => o => o.Plans.Premium.Members = 0,
            "Idempotency:Retention" => o => o.Idempotency.Retention = TimeSpan.FromHours(23),
            "Idempotency:InFlightLease" => o => o.Idempotency.InFlightLease = TimeSpan.Zero,
            "Fields:CouponTitle" => o => o.Fields.CouponTitle.MinLength = 50,
            "Fields:StoreName" => o => o.Fields.StoreName.AllowedCharacters = CharacterClasses.None,
            "Fields:UserKey" => o => o.Fields.UserKey.MaxCp932Bytes = 0,
            "ConcurrencyRetryAfter" => o => o.ConcurrencyRetryAfter = TimeSpan.FromMilliseconds(10),
            "ApiKeys:CacheDuration" => o => o.ApiKeys.CacheDuration = TimeSpan.FromHours(1),
            _ => throw new ArgumentOutOfRangeException(nameof(setting)),
        };

        var failure = StartFails(breakIt);

        Assert.Contains(failure.Failures, f => f.StartsWith(setting, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_bad_setting_is_reported_at_once()
    {
        var failure = StartFails(o =>
        {
            o.Codes.Length = 100;
            o.Idempotency.Retention = TimeSpan.Zero;
        });

        Assert.Equal(2, failure.Failures.Count());
    }

    [Fact]
    public void AddSmartECoupon_is_idempotent_and_returns_the_same_services()
    {
        var services = new ServiceCollection();
        var first = services.AddSmartECoupon();
        var count = services.Count;
        var second = services.AddSmartECoupon();
        services.AddSmartECoupon(o => o.Codes.Length = 12);

        Assert.Same(first.Services, second.Services);
        Assert.Equal(count + 1, services.Count); // only the third line's Configure adds a registration
        using var provider = services.BuildServiceProvider();
        Assert.Single(provider.GetServices<IValidateOptions<SmartECouponOptions>>(), v => v.GetType().Name == "SmartECouponOptionsValidator");
        Assert.Equal(12, provider.GetRequiredService<CouponCodeGenerator>().Length);
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
        Assert.IsType<AsyncLocalTenantContext>(provider.GetRequiredService<ITenantContext>());
    }

    [Fact]
    public void A_host_TimeProvider_registered_first_is_kept()
    {
        var services = new ServiceCollection();
        var fake = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        services.AddSingleton<TimeProvider>(fake);
        services.AddSmartECoupon();

        using var provider = services.BuildServiceProvider();
        Assert.Same(fake, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void Options_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SmartECoupon:DefaultTimeZoneId"] = "UTC",
            ["SmartECoupon:Codes:Length"] = "12",
            ["SmartECoupon:Plans:Free:Members"] = "5",
            ["SmartECoupon:Plans:Premium:ConcurrentRequests"] = "128",
            ["SmartECoupon:Idempotency:Retention"] = "2.00:00:00",
            ["SmartECoupon:Fields:CouponTitle:MaxLength"] = "60",
            ["SmartECoupon:Fields:StoreName:AllowedCharacters"] = "FullWidth, AsciiDigits, Space",
            ["SmartECoupon:Fields:StoreName:RequireCp932"] = "true",
            ["SmartECoupon:Fields:StoreName:Composition"] = "KanaOnly",
            ["SmartECoupon:Fields:StoreName:LabelJa"] = "支店名",
        }).Build();
        var services = new ServiceCollection();
        services.AddSmartECoupon(configuration.GetSection(SmartECouponOptions.SectionName));

        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptions<SmartECouponOptions>>().Value;
        Assert.Equal("UTC", options.DefaultTimeZoneId);
        Assert.Equal(12, options.Codes.Length);
        Assert.Equal(5, options.Plans.Free.Members);
        Assert.Equal(3, options.Plans.Free.PublishedCoupons);
        Assert.Equal(128, options.Plans.Premium.ConcurrentRequests);
        Assert.Equal(TimeSpan.FromDays(2), options.Idempotency.Retention);
        Assert.Equal(60, options.Fields.CouponTitle.MaxLength);
        Assert.Equal(CharacterClasses.FullWidth | CharacterClasses.AsciiDigits | CharacterClasses.Space, options.Fields.StoreName.AllowedCharacters);
        Assert.True(options.Fields.StoreName.RequireCp932);
        Assert.Equal(CompositionMode.KanaOnly, options.Fields.StoreName.Composition);
        Assert.Equal("支店名", options.Fields.StoreName.LabelJa);
        Assert.Equal(50, options.Fields.StoreName.MaxLength);
        Assert.Equal(TenantPlan.Free, Enum.Parse<TenantPlan>("Free"));
    }
}
