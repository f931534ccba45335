using Npgsql;

namespace Crowdstart.Pipeline.Storage;

/// <summary>One minute of a campaign's activity, summed over log partitions.</summary>
public sealed record MinutePoint(
    DateTimeOffset Minute,
    long Events,
    long PageViews,
    long PledgesCompleted,
    long UniqueCustomers,
    decimal PledgedAmount,
    decimal RefundedAmount);

/// <summary>A campaign's totals for cards and headers.</summary>
public sealed record CampaignTotals(Guid CampaignId, long Events, long Pledges, decimal Pledged, decimal Refunded)
{
    public decimal NetPledged => Pledged - Refunded;
}

/// <summary>Dashboard reads over the pre-computed minute rollups (never over the raw log).</summary>
public sealed class RollupQueries(NpgsqlDataSource dataSource)
{
    private const string EventsSum =
        "page_views + reward_views + carts_created + checkouts_started + checkouts_failed + pledges_completed + pledges_refunded";

    /// <summary>
    /// Minute series of <paramref name="campaignId"/> for [<paramref name="from"/>, <paramref name="to"/>),
    /// one point per minute; minutes without events are present with zeros so charts show gaps as zero.
    /// </summary>
    public async Task<IReadOnlyList<MinutePoint>> GetMinuteSeriesAsync(Guid campaignId, DateTimeOffset from, DateTimeOffset to,
        CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            $"""
            SELECT minute, sum({EventsSum})::bigint, sum(page_views)::bigint, sum(pledges_completed)::bigint,
                   sum(unique_customers)::bigint, sum(pledged_amount), sum(refunded_amount)
            FROM campaign_minute_rollups
            WHERE campaign_id = @c AND minute >= @from AND minute < @to
            GROUP BY minute
            """);
        cmd.Parameters.AddWithValue("c", campaignId);
        cmd.Parameters.AddWithValue("from", Events.EventTime.MinuteOf(from));
        cmd.Parameters.AddWithValue("to", to);
        var found = new Dictionary<DateTimeOffset, MinutePoint>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var minute = reader.GetFieldValue<DateTimeOffset>(0);
                found[minute] = new MinutePoint(minute, reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
                    reader.GetInt64(4), reader.GetDecimal(5), reader.GetDecimal(6));
            }
        }
        var series = new List<MinutePoint>();
        for (var m = Events.EventTime.MinuteOf(from); m < to; m = m.AddMinutes(1))
        {
            series.Add(found.TryGetValue(m, out var p) ? p : new MinutePoint(m, 0, 0, 0, 0, 0, 0));
        }
        return series;
    }

    /// <summary>All-time totals of one campaign.</summary>
    public async Task<CampaignTotals> GetTotalsAsync(Guid campaignId, CancellationToken ct = default) =>
        (await QueryTotalsAsync(campaignId, ct)).GetValueOrDefault(campaignId) ?? new CampaignTotals(campaignId, 0, 0, 0, 0);

    /// <summary>All-time totals per campaign (campaigns without events are absent).</summary>
    public Task<Dictionary<Guid, CampaignTotals>> GetTotalsAsync(CancellationToken ct = default) => QueryTotalsAsync(null, ct);

    private async Task<Dictionary<Guid, CampaignTotals>> QueryTotalsAsync(Guid? campaignId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            $"""
            SELECT campaign_id, sum(events)::bigint, sum(pledges_completed)::bigint, sum(pledged_amount), sum(refunded_amount)
            FROM campaign_partition_totals WHERE @c::uuid IS NULL OR campaign_id = @c GROUP BY campaign_id
            """);
        cmd.Parameters.Add(new NpgsqlParameter("c", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)campaignId ?? DBNull.Value });
        var result = new Dictionary<Guid, CampaignTotals>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetGuid(0);
            result[id] = new CampaignTotals(id, reader.GetInt64(1), reader.GetInt64(2), reader.GetDecimal(3), reader.GetDecimal(4));
        }
        return result;
    }
}
