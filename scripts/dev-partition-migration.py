# Developer helper (not run by the build): rewrites the CreateTable calls of the time-series tables in a
# freshly generated EF migration into range-partitioned tables with a default partition. EF Core cannot
# express PARTITION BY; run this after regenerating the initial migration.
import sys
p = sys.argv[1]
s = open(p).read()
sql = {
'campaign_minute_rollups': '''CREATE TABLE campaign_minute_rollups (
    campaign_id uuid NOT NULL, minute timestamptz NOT NULL, partition integer NOT NULL,
    page_views bigint NOT NULL, reward_views bigint NOT NULL, carts_created bigint NOT NULL,
    checkouts_started bigint NOT NULL, checkouts_failed bigint NOT NULL, pledges_completed bigint NOT NULL,
    pledges_refunded bigint NOT NULL, unique_customers bigint NOT NULL,
    pledged_amount numeric(18,2) NOT NULL, refunded_amount numeric(18,2) NOT NULL,
    CONSTRAINT "PK_campaign_minute_rollups" PRIMARY KEY (campaign_id, minute, partition)
) PARTITION BY RANGE (minute)''',
'metric_event_counts': '''CREATE TABLE metric_event_counts (
    campaign_id uuid NOT NULL, bucket timestamptz NOT NULL, type text NOT NULL, source text NOT NULL,
    partition integer NOT NULL, events bigint NOT NULL,
    CONSTRAINT "PK_metric_event_counts" PRIMARY KEY (campaign_id, bucket, type, source, partition)
) PARTITION BY RANGE (bucket)''',
'metric_window_points': '''CREATE TABLE metric_window_points (
    campaign_id uuid NOT NULL, window_seconds integer NOT NULL, point timestamptz NOT NULL, partition integer NOT NULL,
    visitors bigint NOT NULL, pledgers bigint NOT NULL,
    CONSTRAINT "PK_metric_window_points" PRIMARY KEY (campaign_id, window_seconds, point, partition)
) PARTITION BY RANGE (point)''',
}
for table, ddl in sql.items():
    start = s.index(f'migrationBuilder.CreateTable(\n                name: "{table}"')
    end = s.index('\n\n            migrationBuilder.', start)
    repl = ('// Time series are range-partitioned by day (TimeSeriesPartitions keeps days ahead and drops expired\n'
            '            // ones), with a default partition so a write never fails for lack of a day.\n'
            f'            migrationBuilder.Sql("""\n                {ddl.replace(chr(10), chr(10) + "                ")};\n'
            f'                CREATE TABLE {table}_default PARTITION OF {table} DEFAULT;\n                """);')
    s = s[:start] + repl + s[end:]
open(p, 'w').write(s)
