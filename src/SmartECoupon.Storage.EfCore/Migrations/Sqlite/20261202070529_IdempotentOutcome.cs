using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SmartECoupon.Storage.EfCore.Migrations.Sqlite
{
    /// <summary>
    /// An idempotency key keeps an opaque outcome (outcome code, media type, payload) instead of an HTTP status: the
    /// library stores what a request came to, and the host maps it to its status. Records written before keep their
    /// answers: the outcome code is read from the old status and the problem's code.
    /// </summary>
    /// <inheritdoc />
    internal partial class IdempotentOutcome : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "response_content_type",
                table: "idempotency_records",
                newName: "media_type");

            migrationBuilder.RenameColumn(
                name: "response_body",
                table: "idempotency_records",
                newName: "payload");

            migrationBuilder.AddColumn<string>(
                name: "outcome_code",
                table: "idempotency_records",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.Sql("""
                UPDATE "idempotency_records" SET "outcome_code" = CASE
                    WHEN "response_status" BETWEEN 200 AND 299 THEN 'succeeded'
                    WHEN "response_status" = 404 THEN 'not_found'
                    WHEN json_valid("payload") THEN COALESCE(json_extract("payload", '$.code'), 'conflict')
                    ELSE "payload" END
                WHERE "response_status" IS NOT NULL;
                """);

            migrationBuilder.DropColumn(
                name: "response_status",
                table: "idempotency_records");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "payload",
                table: "idempotency_records",
                newName: "response_body");

            migrationBuilder.RenameColumn(
                name: "media_type",
                table: "idempotency_records",
                newName: "response_content_type");

            migrationBuilder.AddColumn<int>(
                name: "response_status",
                table: "idempotency_records",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.Sql("""
                UPDATE "idempotency_records" SET "response_status" = CASE "outcome_code" WHEN 'succeeded' THEN 201 WHEN 'not_found' THEN 404 ELSE 409 END
                WHERE "outcome_code" IS NOT NULL;
                """);

            migrationBuilder.DropColumn(
                name: "outcome_code",
                table: "idempotency_records");
        }
    }
}
