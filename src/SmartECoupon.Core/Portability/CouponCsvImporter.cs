using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Storage;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.Portability;

/// <summary>What an import created.</summary>
/// <param name="Coupons">The new coupons, in file order.</param>
/// <param name="Encoding">The encoding the file was read in: <c>utf-8</c>, <c>shift_jis</c> or <c>utf-16</c>.</param>
public sealed record CouponImportReport(IReadOnlyList<Coupon> Coupons, string Encoding)
{
    /// <summary>How many coupons were created.</summary>
    public int Imported => Coupons.Count;
}

/// <summary>
/// Imports coupons into the current tenant from CSV in the export's own format, all or nothing: every row is checked
/// by the input policies, the stores it names must exist, shared codes must be free, and the published ones must fit
/// the plan. Any problem fails the import with <see cref="FailureCodes.InvalidCsv"/> and every error's line and column,
/// and nothing is written. The imported coupons are new coupons (new identifiers, counts at zero).
/// </summary>
public sealed class CouponCsvImporter(
    ICouponRepository coupons,
    IStoreRepository stores,
    [FromKeyedServices(TenancyCaches.Key)] ITenantRepository tenants,
    ITenantContext tenantContext,
    TenantWriteGate gate,
    TimeProvider time,
    IOptionsMonitor<SmartECouponOptions> options)
{
    /// <summary>Reads <paramref name="csv"/> (UTF-8 with or without a byte order mark, UTF-16, or CP932) and imports it.</summary>
    public async Task<Result<CouponImportReport>> ImportAsync(Stream csv, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var tenantId = tenantContext.RequireTenantId();
        if (await gate.RefusalAsync(cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var tenant = await tenants.FindCurrentAsync(tenantContext, cancellationToken).ConfigureAwait(false);
        var settings = options.CurrentValue;
        var limits = settings.Portability;

        var (buffer, length) = await ReadBoundedAsync(csv, limits.MaxImportBytes, cancellationToken).ConfigureAwait(false);
        if (length > limits.MaxImportBytes)
        {
            return Invalid([new ValidationError("file", FailureCodes.TooLong, new LocalizedMessage(
                $"ファイルが大きすぎます（{limits.MaxImportBytes / (1024 * 1024)}MBまで）。", $"The file is too large (at most {limits.MaxImportBytes / (1024 * 1024)} MB)."))
            {
                Location = new CsvLocation(),
            }]);
        }
        var read = CouponCsvReader.Read(buffer, length, settings.Fields, TenantTimeZones.Find(tenant.TimeZoneId), limits);
        if (read.Errors.Count > 0)
        {
            return Invalid(read.Errors);
        }

        var errors = new List<ValidationError>();
        await CheckStoresAsync(read, errors, cancellationToken).ConfigureAwait(false);
        await CheckSharedCodesAsync(read, errors, cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            return Invalid(errors.Take(limits.MaxReportedErrors).ToList());
        }

        var now = Instants.Now(time);
        var created = read.Rows.Select(row => row.Content.ApplyTo(new Coupon
        {
            TenantId = tenantId,
            Id = EntityIds.New(EntityIds.CouponPrefix, now),
            Title = "",
            Benefit = "",
            Status = row.Status,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        })).ToList();
        var audit = created.Select(c => AuditEntry.Create(tenantId, actor, AuditActions.CouponsImported, AuditTargets.Coupon, c.Id, now)).ToList();
        var write = await coupons.ImportAsync(created, settings.Plans.For(tenant.Plan).PublishedCoupons, audit, cancellationToken).ConfigureAwait(false);
        return write.Status switch
        {
            CouponImportStatus.Succeeded => new CouponImportReport(created, read.Encoding),
            CouponImportStatus.PlanLimitReached => Failure.PlanLimit("公開中クーポン数", "published coupons"),
            // A coupon took the code between the check and the write.
            _ => Invalid([SharedCodeTaken(write.Index is { } index ? read.Rows[index].Line : null, read.HeaderOf("sharedCode"))]),
        };
    }

    private async Task CheckStoresAsync(CouponCsvReadResult read, List<ValidationError> errors, CancellationToken cancellationToken)
    {
        var rows = read.Rows;
        var named = rows.SelectMany(r => r.Content.StoreIds).Distinct(StringComparer.Ordinal).ToList();
        if (named.Count == 0)
        {
            return;
        }
        var existing = (await stores.FindExistingAsync(named, cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var missing = row.Content.StoreIds.Where(id => !existing.Contains(id)).ToList();
            if (missing.Count > 0)
            {
                errors.Add(new ValidationError("storeIds", FailureCodes.NotFound, new LocalizedMessage(
                    $"存在しない店舗IDがあります: {string.Join(", ", missing)}", $"No such stores: {string.Join(", ", missing)}"))
                {
                    Location = new CsvLocation { Line = row.Line, Column = read.HeaderOf("storeIds") },
                });
            }
        }
    }

    private async Task CheckSharedCodesAsync(CouponCsvReadResult read, List<ValidationError> errors, CancellationToken cancellationToken)
    {
        foreach (var row in read.Rows)
        {
            if (row.Content.SharedCodeKey is { } key && await coupons.FindBySharedCodeAsync(key, cancellationToken).ConfigureAwait(false) is not null)
            {
                errors.Add(SharedCodeTaken(row.Line, read.HeaderOf("sharedCode")));
            }
        }
    }

    private static ValidationError SharedCodeTaken(long? line, string column) => new("sharedCode", FailureCodes.AlreadyExists, new LocalizedMessage(
        "この共通コードは別のクーポンで使われています。", "Another coupon of the tenant uses this shared code."))
    {
        Location = new CsvLocation { Line = line, Column = column },
    };

    private static Failure Invalid(IReadOnlyList<ValidationError> errors) => new(FailureKind.Invalid, FailureCodes.InvalidCsv,
        new LocalizedMessage("CSVを取り込めませんでした。何も登録されていません。", "The CSV was not imported; nothing was created."))
    {
        Errors = errors,
    };

    /// <summary>Reads at most <paramref name="max"/> + 1 bytes, so that a larger input is known to be too large without reading it all.</summary>
    private static async Task<(byte[] Buffer, int Length)> ReadBoundedAsync(Stream input, int max, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(max + 1, 64 * 1024)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > max)
                {
                    return (buffer, length);
                }
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, max + 1L));
            }
            var read = await input.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return (buffer, length);
            }
            length += read;
        }
    }
}
