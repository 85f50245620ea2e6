namespace SmartECoupon.Storage.EfCore;

/// <summary>The databases the EF Core adapter runs on (the contract's <c>SmartECoupon__Storage__Provider</c>).</summary>
public enum StorageProvider
{
    /// <summary>SQLite: the embedded default, a file next to the host.</summary>
    Sqlite,
    /// <summary>PostgreSQL 15 or later: for production, with row-level security as a second wall between tenants.</summary>
    PostgreSql,
}
