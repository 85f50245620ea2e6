namespace SmartECoupon.Storage.EfCore;

/// <summary>The databases the EF Core adapter runs on (the contract's <c>SmartECoupon__Storage__Provider</c>).</summary>
public enum StorageProvider
{
    /// <summary>SQLite: the embedded default, a file next to the host.</summary>
    Sqlite,
    /// <summary>PostgreSQL 15 or later: for production, with row-level security as a second wall between tenants.</summary>
    PostgreSql,
}

/// <summary>What stands between the host and PostgreSQL (<c>SmartECoupon__Storage__PoolerMode</c>).</summary>
public enum PostgreSqlPoolerMode
{
    /// <summary>A direct connection, or a pooler in session mode: one server session per client connection.</summary>
    None,
    /// <summary>
    /// A pooler in transaction mode (PgBouncer's <c>pool_mode = transaction</c>): each transaction may run on another
    /// server session, so nothing is prepared on the server.
    /// </summary>
    Transaction,
}
