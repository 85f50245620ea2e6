namespace SmartECoupon.Storage.EfCore;

/// <summary>
/// Where and how the EF Core adapter stores data. Bound from the <c>SmartECoupon:Storage</c> section by the sample host
/// (<c>SmartECoupon__Storage__Provider</c>, <c>ConnectionStrings__SmartECoupon</c>).
/// </summary>
public sealed class EfCoreStorageOptions
{
    /// <summary>The database. Default <see cref="StorageProvider.Sqlite"/>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>
    /// The connection string. For SQLite, defaults to a file <c>App_Data/smartecoupon.db</c> under the current folder.
    /// For PostgreSQL it is required, and may name the database owner or a superuser: the adapter migrates with it and
    /// runs every data access as <see cref="RequestRole"/>, which row-level security binds.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// PostgreSQL, optional: the schema owner's connection, used only to migrate, prepare the roles and take or restore
    /// backups. When it is given, <see cref="ConnectionString"/> is the login requests use, which must own nothing: at
    /// start the owner grants it <see cref="RequestRole"/> and nothing more, so no SQL a request runs can become the owner
    /// (<c>RESET ROLE</c> returns to that login) or the platform role. Bound from <c>ConnectionStrings__SmartECouponOwner</c>
    /// by the sample host. Without it, <see cref="ConnectionString"/> is the owner and does everything (see docs/storage.md
    /// for what that gives up).
    /// </summary>
    public string? OwnerConnectionString { get; set; }

    /// <summary>
    /// PostgreSQL, with <see cref="OwnerConnectionString"/>: the login cross-tenant work uses (API-key and coupon-page
    /// look-ups of a tenant, job and outbox claims, the purge ledger, operators, notices): at start the owner grants it
    /// the platform role <c>smartecoupon_platform</c>, which the request login never gets. Default: the owner's
    /// connection, which then serves the instances too; give a login of its own to keep the owner's password on the
    /// migration job alone. Bound from <c>ConnectionStrings__SmartECouponPlatform</c> by the sample host.
    /// </summary>
    public string? PlatformConnectionString { get; set; }

    /// <summary>
    /// PostgreSQL: the role every data access runs as (set for each transaction). It owns no table and has no
    /// BYPASSRLS. Created at start when the login may create roles; otherwise provision it and grant it to the login.
    /// Default <c>smartecoupon_app</c>.
    /// </summary>
    public string RequestRole { get; set; } = "smartecoupon_app";

    /// <summary>
    /// PostgreSQL: what stands between the host and the server. <see cref="PostgreSqlPoolerMode.None"/> (default) for a
    /// direct connection or a pooler in session mode; <see cref="PostgreSqlPoolerMode.Transaction"/> behind PgBouncer (or
    /// another pooler) in transaction mode, where nothing is prepared on the server. The tenant's session is set per
    /// transaction in both modes. Bound from <c>SmartECoupon__Storage__PoolerMode</c>.
    /// </summary>
    public PostgreSqlPoolerMode PoolerMode { get; set; } = PostgreSqlPoolerMode.None;

    /// <summary>
    /// PostgreSQL: the connection on which each instance listens (<c>LISTEN</c>) for the tenancy changes of the others, so
    /// that a revoked key or a cancelled tenant is refused everywhere within a second. Default: <see cref="ConnectionString"/>.
    /// Behind a pooler in transaction mode it is required and must be direct: <c>LISTEN</c> holds a session. Bound from
    /// <c>ConnectionStrings__SmartECouponListen</c> by the sample host.
    /// </summary>
    public string? ListenConnectionString { get; set; }

    /// <summary>
    /// SQLite: the <c>synchronous</c> pragma. <c>FULL</c> (default) keeps every acknowledged redemption through a power
    /// loss; <c>NORMAL</c> is about three times faster in WAL mode but may lose the last commits on an operating-system
    /// crash.
    /// </summary>
    public string SqliteSynchronous { get; set; } = "FULL";

    /// <summary>
    /// PostgreSQL: the folder of <c>pg_dump</c> and <c>pg_restore</c> for backups. Default: the newest under
    /// <c>/usr/lib/postgresql/*/bin</c>, else the ones on the PATH.
    /// </summary>
    public string? PostgreSqlBinFolder { get; set; }

    /// <summary>How long a command (or a wait for SQLite's write lock) may take. Default 30 seconds.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The login cross-tenant work uses when the owner is kept apart (<see cref="PlatformConnectionString"/>, else the
    /// owner's); null with one connection string, where the one login takes the platform role itself.
    /// </summary>
    internal string? SeparatePlatformConnectionString => OwnerConnectionString is { Length: > 0 } owner
        ? PlatformConnectionString is { Length: > 0 } platform ? platform : owner
        : null;

    /// <summary>The owner's connection: <see cref="OwnerConnectionString"/> when given, else the one connection string.</summary>
    internal string OwnerOrMainConnectionString => OwnerConnectionString is { Length: > 0 } owner ? owner : EffectiveConnectionString;

    /// <summary>The connection string actually used (the SQLite default filled in).</summary>
    public string EffectiveConnectionString => ConnectionString is { Length: > 0 } given
        ? given
        : Provider == StorageProvider.Sqlite
            ? $"Data Source={Path.Combine("App_Data", "smartecoupon.db")}"
            : throw new InvalidOperationException("A PostgreSQL connection string is required (ConnectionStrings:SmartECoupon).");
}
