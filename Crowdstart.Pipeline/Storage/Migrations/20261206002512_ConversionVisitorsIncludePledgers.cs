using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crowdstart.Pipeline.Storage.Migrations
{
    /// <summary>
    /// Sliding-window conversion now counts a pledger as a visitor of the window (docs/metrics.md §1), so
    /// <c>metric_window_points.visitors</c> changes meaning. Rows written before hold only page viewers and can show
    /// more pledgers than visitors; they are recomputed, not clamped: every row gains its partition's customers who
    /// pledged in the window without a live page view in it. Only events up to the partition's checkpoint count,
    /// because the pipeline applies the rest later as before/after differences under the new definition.
    /// </summary>
    public partial class ConversionVisitorsIncludePledgers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Recompute("+"));

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Recompute("-"));

        // Rows whose day was dropped by retention stay dropped: only existing rows are updated. A processor that
        // is mid-batch would move its checkpoint under the recomputation, so checkpoints are locked until commit.
        private static string Recompute(string sign) => $"""
            LOCK TABLE partition_checkpoints IN SHARE MODE;
            WITH live AS (
                SELECT e.campaign_id, e.partition, e.customer_id, e.type, e.occurred_at
                FROM event_log e
                JOIN campaigns c ON c.id = e.campaign_id
                JOIN partition_checkpoints k ON k.partition = e.partition
                WHERE e.type IN ('page_view', 'pledge_completed') AND e."offset" <= k."offset"
                  AND e.received_at - e.occurred_at <= make_interval(secs => c.allowed_lateness_seconds)),
            pledged AS (
                SELECT DISTINCT l.campaign_id, l.partition, l.customer_id, w.seconds AS window_seconds, p.point
                FROM live l
                CROSS JOIN (VALUES (60), (300), (3600)) AS w(seconds)
                CROSS JOIN LATERAL generate_series(
                    date_bin('10 seconds', l.occurred_at, timestamptz 'epoch') + interval '10 seconds',
                    date_bin('10 seconds', l.occurred_at, timestamptz 'epoch') + make_interval(secs => w.seconds),
                    interval '10 seconds') AS p(point)
                WHERE l.type = 'pledge_completed'),
            unviewed AS (
                SELECT campaign_id, partition, window_seconds, point, count(*) AS customers
                FROM pledged p
                WHERE NOT EXISTS (
                    SELECT 1 FROM live v
                    WHERE v.campaign_id = p.campaign_id AND v.customer_id = p.customer_id AND v.type = 'page_view'
                      AND v.occurred_at >= p.point - make_interval(secs => p.window_seconds) AND v.occurred_at < p.point)
                GROUP BY campaign_id, partition, window_seconds, point)
            UPDATE metric_window_points t SET visitors = t.visitors {sign} u.customers
            FROM unviewed u
            WHERE t.campaign_id = u.campaign_id AND t.window_seconds = u.window_seconds AND t.point = u.point AND t.partition = u.partition;
            """;
    }
}
