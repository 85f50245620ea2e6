using SmartECoupon.Storage.Specification;

namespace SmartECoupon.Storage.EfCore.Tests;

// The conformance suite on both providers: each class inherits every test of its base and runs it on a database of
// its own.

public sealed class SqliteTenancyTests(SqliteHarness harness) : TenancyConformance(harness), IClassFixture<SqliteHarness>;
public sealed class SqliteOperatorTests(SqliteHarness harness) : OperatorConformance(harness), IClassFixture<SqliteHarness>;
public sealed class SqliteCouponTests(SqliteHarness harness) : CouponConformance(harness), IClassFixture<SqliteHarness>;
public sealed class SqliteRedemptionTests(SqliteHarness harness) : RedemptionConformance(harness), IClassFixture<SqliteHarness>;
public sealed class SqliteRaceTests(SqliteHarness harness) : RaceConformance(harness), IClassFixture<SqliteHarness>;
public sealed class SqliteIsolationTests(SqliteHarness harness) : IsolationConformance(harness), IClassFixture<SqliteHarness>;

public sealed class PostgreSqlTenancyTests(PostgreSqlHarness harness) : TenancyConformance(harness), IClassFixture<PostgreSqlHarness>;
public sealed class PostgreSqlOperatorTests(PostgreSqlHarness harness) : OperatorConformance(harness), IClassFixture<PostgreSqlHarness>;
public sealed class PostgreSqlCouponTests(PostgreSqlHarness harness) : CouponConformance(harness), IClassFixture<PostgreSqlHarness>;
public sealed class PostgreSqlRedemptionTests(PostgreSqlHarness harness) : RedemptionConformance(harness), IClassFixture<PostgreSqlHarness>;
public sealed class PostgreSqlRaceTests(PostgreSqlHarness harness) : RaceConformance(harness), IClassFixture<PostgreSqlHarness>;
public sealed class PostgreSqlIsolationTests(PostgreSqlHarness harness) : IsolationConformance(harness), IClassFixture<PostgreSqlHarness>;

public sealed class SqliteRetentionTests(SqliteHarness harness) : RetentionConformance(harness), IClassFixture<SqliteHarness>;
public sealed class SqliteBackupTests(SqliteHarness harness) : BackupConformance(harness), IClassFixture<SqliteHarness>;
public sealed class PostgreSqlRetentionTests(PostgreSqlHarness harness) : RetentionConformance(harness), IClassFixture<PostgreSqlHarness>;
public sealed class PostgreSqlBackupTests(PostgreSqlHarness harness) : BackupConformance(harness), IClassFixture<PostgreSqlHarness>;

public sealed class SqlitePortabilityTests(SqliteHarness harness) : PortabilityConformance(harness), IClassFixture<SqliteHarness>;
public sealed class PostgreSqlPortabilityTests(PostgreSqlHarness harness) : PortabilityConformance(harness), IClassFixture<PostgreSqlHarness>;

/// <summary>The volume tests sample the whole process's memory: they run alone, after the parallel tests.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;

[Collection(nameof(RunsAlone))]
public sealed class SqlitePortabilityVolumeTests(SqliteHarness harness) : PortabilityVolumeConformance(harness), IClassFixture<SqliteHarness>;

[Collection(nameof(RunsAlone))]
public sealed class PostgreSqlPortabilityVolumeTests(PostgreSqlHarness harness) : PortabilityVolumeConformance(harness), IClassFixture<PostgreSqlHarness>;

public sealed class SqliteSessionTests(SqliteHarness harness) : SessionConformance(harness), IClassFixture<SqliteHarness>;
public sealed class PostgreSqlSessionTests(PostgreSqlHarness harness) : SessionConformance(harness), IClassFixture<PostgreSqlHarness>;

// The same contract through PgBouncer in transaction pooling mode: tenancy, isolation, races, redemption, coupons (bulk
// codes through COPY), sessions and portability, each transaction on whichever server connection the pooler gives.
public sealed class PgBouncerTenancyTests(PgBouncerHarness harness) : TenancyConformance(harness), IClassFixture<PgBouncerHarness>;
public sealed class PgBouncerCouponTests(PgBouncerHarness harness) : CouponConformance(harness), IClassFixture<PgBouncerHarness>;
public sealed class PgBouncerRedemptionTests(PgBouncerHarness harness) : RedemptionConformance(harness), IClassFixture<PgBouncerHarness>;
public sealed class PgBouncerRaceTests(PgBouncerHarness harness) : RaceConformance(harness), IClassFixture<PgBouncerHarness>;
public sealed class PgBouncerIsolationTests(PgBouncerHarness harness) : IsolationConformance(harness), IClassFixture<PgBouncerHarness>;
public sealed class PgBouncerSessionTests(PgBouncerHarness harness) : SessionConformance(harness), IClassFixture<PgBouncerHarness>;
public sealed class PgBouncerPortabilityTests(PgBouncerHarness harness) : PortabilityConformance(harness), IClassFixture<PgBouncerHarness>;
public sealed class PgBouncerRetentionTests(PgBouncerHarness harness) : RetentionConformance(harness), IClassFixture<PgBouncerHarness>;

// The same contract with requests on a login that owns nothing and the owner's login kept for migrations and backups.
public sealed class LeastPrivilegeTenancyTests(LeastPrivilegeHarness harness) : TenancyConformance(harness), IClassFixture<LeastPrivilegeHarness>;
public sealed class LeastPrivilegeOperatorTests(LeastPrivilegeHarness harness) : OperatorConformance(harness), IClassFixture<LeastPrivilegeHarness>;
public sealed class LeastPrivilegeCouponTests(LeastPrivilegeHarness harness) : CouponConformance(harness), IClassFixture<LeastPrivilegeHarness>;
public sealed class LeastPrivilegeRedemptionTests(LeastPrivilegeHarness harness) : RedemptionConformance(harness), IClassFixture<LeastPrivilegeHarness>;
public sealed class LeastPrivilegeIsolationTests(LeastPrivilegeHarness harness) : IsolationConformance(harness), IClassFixture<LeastPrivilegeHarness>;
public sealed class LeastPrivilegeSessionTests(LeastPrivilegeHarness harness) : SessionConformance(harness), IClassFixture<LeastPrivilegeHarness>;
public sealed class LeastPrivilegeRetentionTests(LeastPrivilegeHarness harness) : RetentionConformance(harness), IClassFixture<LeastPrivilegeHarness>;
public sealed class LeastPrivilegeBackupTests(LeastPrivilegeHarness harness) : BackupConformance(harness), IClassFixture<LeastPrivilegeHarness>;
public sealed class LeastPrivilegePortabilityTests(LeastPrivilegeHarness harness) : PortabilityConformance(harness), IClassFixture<LeastPrivilegeHarness>;
