using System.Globalization;
using Npgsql;

namespace SmartECoupon.Storage.EfCore.Tenancy;

/// <summary>
/// Creates the request role (if the login may) and grants it what requests need: a role that owns no table and cannot
/// bypass row-level security, which the login may <c>SET ROLE</c> to. Idempotent; serialised across instances.
/// </summary>
internal static class PostgreSqlRequestRole
{
    public static async Task PrepareAsync(NpgsqlConnection connection, string requestRole, CancellationToken cancellationToken)
    {
        var role = PostgreSqlSessionInterceptor.QuoteIdentifier(requestRole);
        var roleLiteral = requestRole.Replace("'", "''", StringComparison.Ordinal);
        var sql = string.Format(CultureInfo.InvariantCulture, """
            SELECT pg_advisory_xact_lock(hashtext('smartecoupon.prepare_request_role'));
            DO $$
            BEGIN
              -- Roles belong to the cluster, advisory locks to one database: another database's set-up may create the
              -- role at the same moment, which is as good as creating it here.
              BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{1}') THEN
                  CREATE ROLE {0} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
                END IF;
              EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
              END;
              IF NOT pg_has_role(current_user, '{1}', 'MEMBER') THEN
                EXECUTE format('GRANT %I TO %I', '{1}', current_user);
              END IF;
            END $$;
            GRANT USAGE ON SCHEMA public TO {0};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {0};
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {0};
            REVOKE ALL ON TABLE "__EFMigrationsHistory" FROM {0};
            """, role, roleLiteral);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand(sql, connection, transaction);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
