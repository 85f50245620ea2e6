using System.Globalization;
using Npgsql;

namespace SmartECoupon.Storage.EfCore.Tenancy;

/// <summary>
/// Creates the request role and the platform role (if the owner may) and grants each what it needs, on the owner's
/// connection. Idempotent; serialised across instances.
/// </summary>
/// <remarks>
/// <para>The request role (<see cref="EfCoreStorageOptions.RequestRole"/>) owns nothing and cannot bypass row-level
/// security. It reads and writes the tables that hold a <c>tenant_id</c>, where the policy admits only its transaction's
/// tenant; it adds and removes its own tenant's directory entries and purge-ledger counts (the same policy on their
/// tenant columns); it reads the public status tables; it has no right at all on operators, job leases or the migration
/// history.</para>
/// <para>The platform role reads and writes every table (its own policy admits every tenant's rows) and reads the
/// migration history (for <c>pg_dump</c>). The owner gets both roles. When the owner's login is kept apart
/// (<see cref="EfCoreStorageOptions.OwnerConnectionString"/>), the request login gets the request role only, and the
/// start is refused if that login could become the owner or the platform role by any other way.</para>
/// </remarks>
internal static class PostgreSqlRequestRole
{
    /// <summary>Tables every instance reads for the public status page, which only the platform role writes.</summary>
    private const string PublicReadTables = "maintenance_notices, incidents, outages";

    public static async Task PrepareAsync(NpgsqlConnection connection, EfCoreStorageOptions options, CancellationToken cancellationToken)
    {
        var role = PostgreSqlSessionInterceptor.QuoteIdentifier(options.RequestRole);
        var roleLiteral = Literal(options.RequestRole);
        var platform = RowLevelSecurity.PlatformRole;
        var requestLogin = options.OwnerConnectionString is { Length: > 0 }
            ? new NpgsqlConnectionStringBuilder(options.EffectiveConnectionString).Username
            : null;
        var sql = string.Format(CultureInfo.InvariantCulture, """
            SELECT pg_advisory_xact_lock(hashtext('smartecoupon.prepare_request_role'));
            {2}
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
              IF NOT pg_has_role(current_user, '{3}', 'MEMBER') THEN
                EXECUTE format('GRANT %I TO %I', '{3}', current_user);
              END IF;
            END $$;
            GRANT USAGE ON SCHEMA public TO {0}, {3};
            REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {0}, {3};
            DO $$
            DECLARE t text;
            BEGIN
              FOR t IN SELECT c.table_name FROM information_schema.columns c
                       JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
                       WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND tb.table_type = 'BASE TABLE'
              LOOP
                EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO %I', t, '{1}');
              END LOOP;
            END $$;
            GRANT SELECT, INSERT, DELETE ON tenant_directory TO {0};
            GRANT SELECT, INSERT, UPDATE ON purge_records TO {0};
            GRANT SELECT ON {4} TO {0};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {3};
            REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON TABLE "__EFMigrationsHistory" FROM {3};
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {0}, {3};
            """, role, roleLiteral, RowLevelSecurity.EnsurePlatformRoleSql, platform, PublicReadTables);
        if (requestLogin is not null)
        {
            var login = Literal(requestLogin);
            sql += string.Format(CultureInfo.InvariantCulture, """

                DO $$
                BEGIN
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{0}') THEN
                    RAISE EXCEPTION 'The request login % does not exist: create it (CREATE ROLE ... LOGIN) before the first start.', '{0}';
                  END IF;
                  IF '{0}' = current_user OR pg_has_role('{0}', current_user, 'MEMBER') THEN
                    RAISE EXCEPTION 'The request login % can become the owner %: give requests a login that owns nothing.', '{0}', current_user;
                  END IF;
                  EXECUTE format('REVOKE %I FROM %I', '{2}', '{0}');
                  IF pg_has_role('{0}', '{2}', 'MEMBER') THEN
                    RAISE EXCEPTION 'The request login % can become the platform role % through another role: revoke that.', '{0}', '{2}';
                  END IF;
                  EXECUTE format('GRANT %I TO %I', '{1}', '{0}');
                END $$;
                """, login, roleLiteral, platform);
        }
        if (requestLogin is not null && options.PlatformConnectionString is { Length: > 0 } platformConnection)
        {
            var platformLogin = Literal(new NpgsqlConnectionStringBuilder(platformConnection).Username ?? "");
            sql += string.Format(CultureInfo.InvariantCulture, """

                DO $$
                BEGIN
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{0}') THEN
                    RAISE EXCEPTION 'The platform login % does not exist: create it (CREATE ROLE ... LOGIN) before the first start.', '{0}';
                  END IF;
                  IF '{0}' <> current_user THEN
                    IF pg_has_role('{0}', current_user, 'MEMBER') THEN
                      RAISE EXCEPTION 'The platform login % can become the owner %: give it a login that owns nothing.', '{0}', current_user;
                    END IF;
                    EXECUTE format('GRANT %I TO %I', '{1}', '{0}');
                  END IF;
                END $$;
                """, platformLogin, platform);
        }
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

    private static string Literal(string value) => value.Replace("'", "''", StringComparison.Ordinal);
}
