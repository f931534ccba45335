using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crowdstart.Pipeline.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ExplorerAndApiTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "personal_tokens",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    token_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    prefix = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    security_stamp = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_personal_tokens", x => x.id);
                    table.ForeignKey(
                        name: "FK_personal_tokens_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "recent_queries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    form = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    summary = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    ran_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_recent_queries", x => x.id);
                    table.ForeignKey(
                        name: "FK_recent_queries_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_event_log_explore",
                table: "event_log",
                columns: new[] { "campaign_id", "type", "occurred_at" })
                .Annotation("Npgsql:IndexInclude", new[] { "source", "amount", "customer_id" });

            migrationBuilder.CreateIndex(
                name: "IX_personal_tokens_token_hash",
                table: "personal_tokens",
                column: "token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_personal_tokens_user_id",
                table: "personal_tokens",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "IX_recent_queries_user_id_ran_at",
                table: "recent_queries",
                columns: new[] { "user_id", "ran_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "personal_tokens");

            migrationBuilder.DropTable(
                name: "recent_queries");

            migrationBuilder.DropIndex(
                name: "IX_event_log_explore",
                table: "event_log");
        }
    }
}
