using Npgsql;

namespace SmartECoupon.Storage.EfCore.Tests;

/// <summary>
/// Which failures say "the database is away, retry later" (a 503 in the host) rather than "a bug" (a 500): those a
/// server, PgBouncer or a Patroni switch-over answer, as met in the failover drill (eng/failover-drill.py).
/// </summary>
public sealed class UnavailabilityTests
{
    [Theory]
    [InlineData("08P01", "server login has been failing, try again later (server_login_retry)")] // PgBouncer
    [InlineData("08006", "connection failure")]
    [InlineData("57P01", "terminating connection due to administrator command")]
    [InlineData("57P03", "the database system is starting up")]
    [InlineData("53300", "sorry, too many clients already")]
    [InlineData("25006", "cannot execute INSERT in a read-only transaction")] // a write that reached a standby
    public void A_database_that_is_away_or_switching_over_is_unavailable(string state, string message) =>
        Assert.True(SmartECouponStorage.IsUnavailable(new InvalidOperationException("wrapped", new PostgresException(message, "FATAL", "FATAL", state))));

    [Theory]
    [InlineData("23505", "duplicate key value violates unique constraint")]
    [InlineData("42501", "permission denied for table operators")]
    [InlineData("42P01", "relation does not exist")]
    public void A_failure_of_the_request_itself_is_not(string state, string message) =>
        Assert.False(SmartECouponStorage.IsUnavailable(new PostgresException(message, "ERROR", "ERROR", state)));
}
