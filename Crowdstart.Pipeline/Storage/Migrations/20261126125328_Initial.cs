using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crowdstart.Pipeline.Storage.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Time series are range-partitioned by day (TimeSeriesPartitions keeps days ahead and drops expired
            // ones), with a default partition so a write never fails for lack of a day.
            migrationBuilder.Sql("""
                CREATE TABLE campaign_minute_rollups (
                    campaign_id uuid NOT NULL, minute timestamptz NOT NULL, partition integer NOT NULL,
                    page_views bigint NOT NULL, reward_views bigint NOT NULL, carts_created bigint NOT NULL,
                    checkouts_started bigint NOT NULL, checkouts_failed bigint NOT NULL, pledges_completed bigint NOT NULL,
                    pledges_refunded bigint NOT NULL, unique_customers bigint NOT NULL,
                    pledged_amount numeric(18,2) NOT NULL, refunded_amount numeric(18,2) NOT NULL,
                    CONSTRAINT "PK_campaign_minute_rollups" PRIMARY KEY (campaign_id, minute, partition)
                ) PARTITION BY RANGE (minute);
                CREATE TABLE campaign_minute_rollups_default PARTITION OF campaign_minute_rollups DEFAULT;
                """);

            migrationBuilder.CreateTable(
                name: "campaign_partition_totals",
                columns: table => new
                {
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    partition = table.Column<int>(type: "integer", nullable: false),
                    events = table.Column<long>(type: "bigint", nullable: false),
                    pledges_completed = table.Column<long>(type: "bigint", nullable: false),
                    pledges_refunded = table.Column<long>(type: "bigint", nullable: false),
                    pledged_amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    refunded_amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    late_events = table.Column<long>(type: "bigint", nullable: false),
                    carts = table.Column<long>(type: "bigint", nullable: false),
                    carts_completed = table.Column<long>(type: "bigint", nullable: false),
                    cohort_customers = table.Column<long>(type: "bigint", nullable: false),
                    cohort_returned = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaign_partition_totals", x => new { x.campaign_id, x.partition });
                });

            migrationBuilder.CreateTable(
                name: "campaigns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    slug = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    goal_amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    launch_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    end_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    funnel = table.Column<string>(type: "jsonb", nullable: false),
                    cart_window_seconds = table.Column<int>(type: "integer", nullable: false),
                    allowed_lateness_seconds = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "event_log",
                columns: table => new
                {
                    partition = table.Column<int>(type: "integer", nullable: false),
                    offset = table.Column<long>(type: "bigint", nullable: false),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<string>(type: "text", nullable: false),
                    session_id = table.Column<string>(type: "text", nullable: false),
                    type = table.Column<string>(type: "text", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: true),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: true),
                    properties = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_event_log", x => new { x.partition, x.offset });
                });

            migrationBuilder.CreateTable(
                name: "log_partitions",
                columns: table => new
                {
                    partition = table.Column<int>(type: "integer", nullable: false),
                    next_offset = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_log_partitions", x => x.partition);
                });

            migrationBuilder.CreateTable(
                name: "metric_cart_completion",
                columns: table => new
                {
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seconds = table.Column<int>(type: "integer", nullable: false),
                    partition = table.Column<int>(type: "integer", nullable: false),
                    carts = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_metric_cart_completion", x => new { x.campaign_id, x.seconds, x.partition });
                });

            migrationBuilder.CreateTable(
                name: "metric_cart_minutes",
                columns: table => new
                {
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    minute = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    partition = table.Column<int>(type: "integer", nullable: false),
                    carts = table.Column<long>(type: "bigint", nullable: false),
                    completed = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_metric_cart_minutes", x => new { x.campaign_id, x.minute, x.partition });
                });

            migrationBuilder.CreateTable(
                name: "metric_cohort_returns",
                columns: table => new
                {
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    cohort_hour = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    hours_since = table.Column<int>(type: "integer", nullable: false),
                    partition = table.Column<int>(type: "integer", nullable: false),
                    customers = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_metric_cohort_returns", x => new { x.campaign_id, x.cohort_hour, x.source, x.hours_since, x.partition });
                });

            migrationBuilder.CreateTable(
                name: "metric_cohorts",
                columns: table => new
                {
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    cohort_hour = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    partition = table.Column<int>(type: "integer", nullable: false),
                    customers = table.Column<long>(type: "bigint", nullable: false),
                    returned = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_metric_cohorts", x => new { x.campaign_id, x.cohort_hour, x.source, x.partition });
                });

            // Time series are range-partitioned by day (TimeSeriesPartitions keeps days ahead and drops expired
            // ones), with a default partition so a write never fails for lack of a day.
            migrationBuilder.Sql("""
                CREATE TABLE metric_event_counts (
                    campaign_id uuid NOT NULL, bucket timestamptz NOT NULL, type text NOT NULL, source text NOT NULL,
                    partition integer NOT NULL, events bigint NOT NULL,
                    CONSTRAINT "PK_metric_event_counts" PRIMARY KEY (campaign_id, bucket, type, source, partition)
                ) PARTITION BY RANGE (bucket);
                CREATE TABLE metric_event_counts_default PARTITION OF metric_event_counts DEFAULT;
                """);

            migrationBuilder.CreateTable(
                name: "metric_funnel_steps",
                columns: table => new
                {
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    step = table.Column<int>(type: "integer", nullable: false),
                    partition = table.Column<int>(type: "integer", nullable: false),
                    customers = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_metric_funnel_steps", x => new { x.campaign_id, x.source, x.step, x.partition });
                });

            // Time series are range-partitioned by day (TimeSeriesPartitions keeps days ahead and drops expired
            // ones), with a default partition so a write never fails for lack of a day.
            migrationBuilder.Sql("""
                CREATE TABLE metric_window_points (
                    campaign_id uuid NOT NULL, window_seconds integer NOT NULL, point timestamptz NOT NULL, partition integer NOT NULL,
                    visitors bigint NOT NULL, pledgers bigint NOT NULL,
                    CONSTRAINT "PK_metric_window_points" PRIMARY KEY (campaign_id, window_seconds, point, partition)
                ) PARTITION BY RANGE (point);
                CREATE TABLE metric_window_points_default PARTITION OF metric_window_points DEFAULT;
                """);

            migrationBuilder.CreateTable(
                name: "partition_checkpoints",
                columns: table => new
                {
                    partition = table.Column<int>(type: "integer", nullable: false),
                    offset = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_partition_checkpoints", x => x.partition);
                });

            migrationBuilder.CreateTable(
                name: "ingest_keys",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    key_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    prefix = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ingest_keys", x => x.id);
                    table.ForeignKey(
                        name: "FK_ingest_keys_campaigns_campaign_id",
                        column: x => x.campaign_id,
                        principalTable: "campaigns",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_slug",
                table: "campaigns",
                column: "slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_event_log_campaign_id_customer_id",
                table: "event_log",
                columns: new[] { "campaign_id", "customer_id" });

            migrationBuilder.CreateIndex(
                name: "IX_event_log_campaign_id_occurred_at",
                table: "event_log",
                columns: new[] { "campaign_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "IX_event_log_event_id_campaign_id",
                table: "event_log",
                columns: new[] { "event_id", "campaign_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ingest_keys_campaign_id",
                table: "ingest_keys",
                column: "campaign_id");

            migrationBuilder.CreateIndex(
                name: "IX_ingest_keys_key_hash",
                table: "ingest_keys",
                column: "key_hash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "campaign_minute_rollups");

            migrationBuilder.DropTable(
                name: "campaign_partition_totals");

            migrationBuilder.DropTable(
                name: "event_log");

            migrationBuilder.DropTable(
                name: "ingest_keys");

            migrationBuilder.DropTable(
                name: "log_partitions");

            migrationBuilder.DropTable(
                name: "metric_cart_completion");

            migrationBuilder.DropTable(
                name: "metric_cart_minutes");

            migrationBuilder.DropTable(
                name: "metric_cohort_returns");

            migrationBuilder.DropTable(
                name: "metric_cohorts");

            migrationBuilder.DropTable(
                name: "metric_event_counts");

            migrationBuilder.DropTable(
                name: "metric_funnel_steps");

            migrationBuilder.DropTable(
                name: "metric_window_points");

            migrationBuilder.DropTable(
                name: "partition_checkpoints");

            migrationBuilder.DropTable(
                name: "campaigns");
        }
    }
}
