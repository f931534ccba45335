using System.Text.Json;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Crowdstart.Pipeline.Forecast;

/// <summary>
/// The forecasts' time series (<c>campaign_forecasts</c>). A forecast is kept when it moved materially since the
/// campaign's last one (1 % of the projection, 1 point of the chance, or another basis) or when the last one is 10
/// minutes old, so the series shows how the forecast moved without a row per computation.
/// </summary>
public sealed class ForecastStore(NpgsqlDataSource dataSource, IDbContextFactory<CrowdstartDbContext> contexts)
{
    /// <summary>Forecasts of one campaign are kept at most this often, whichever instance computes them.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(10);

    /// <summary>A forecast that did not move is still kept this often, so the series shows time passing.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromMinutes(10);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Advisory-lock space of the per-campaign save (two pipeline instances never both save one campaign's forecast).</summary>
    private const int LockSpace = 0x4353_4643; // "CSFC"

    /// <summary>Keeps <paramref name="forecast"/> unless the campaign's last kept one is recent and about the same; returns whether it did.</summary>
    public async Task<bool> SaveAsync(CampaignForecast forecast, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(@space, hashtext(@c::text))", connection, tx))
        {
            lockCmd.Parameters.AddWithValue("space", LockSpace);
            lockCmd.Parameters.AddWithValue("c", forecast.CampaignId);
            if (!(bool)(await lockCmd.ExecuteScalarAsync(ct))!)
            {
                return false;
            }
        }
        await using (var last = new NpgsqlCommand(
            "SELECT computed_at, projected_total, probability, basis FROM campaign_forecasts WHERE campaign_id = @c ORDER BY computed_at DESC LIMIT 1",
            connection, tx))
        {
            last.Parameters.AddWithValue("c", forecast.CampaignId);
            await using var reader = await last.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                var age = forecast.AsOf - reader.GetFieldValue<DateTimeOffset>(0);
                var projected = reader.GetDecimal(1);
                var moved = Math.Abs(forecast.ProjectedTotal - projected) > 0.01m * Math.Max(1, projected)
                    || Math.Abs(forecast.Probability - reader.GetDouble(2)) >= 0.01
                    || reader.GetString(3) != BasisName(forecast.Basis);
                if (age < MinInterval || (!moved && age < Heartbeat))
                {
                    return false;
                }
            }
        }
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO campaign_forecasts (campaign_id, computed_at, elapsed, pledged, projected_total, low, high, probability, goal_reached_at, basis, inputs)
            VALUES (@c, @at, @elapsed, @pledged, @projected, @low, @high, @p, @goal, @basis, @inputs::jsonb)
            ON CONFLICT DO NOTHING
            """, connection, tx))
        {
            insert.Parameters.AddWithValue("c", forecast.CampaignId);
            insert.Parameters.AddWithValue("at", forecast.AsOf.ToUniversalTime());
            insert.Parameters.AddWithValue("elapsed", forecast.Inputs.Elapsed);
            insert.Parameters.AddWithValue("pledged", forecast.Pledged);
            insert.Parameters.AddWithValue("projected", forecast.ProjectedTotal);
            insert.Parameters.AddWithValue("low", forecast.Low);
            insert.Parameters.AddWithValue("high", forecast.High);
            insert.Parameters.AddWithValue("p", forecast.Probability);
            insert.Parameters.AddWithValue("goal", forecast.GoalReachedAt is { } g ? g.ToUniversalTime() : DBNull.Value);
            insert.Parameters.AddWithValue("basis", BasisName(forecast.Basis));
            insert.Parameters.AddWithValue("inputs", JsonSerializer.Serialize(forecast.Inputs, Json));
            await insert.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>The latest kept forecast of each of <paramref name="campaigns"/> that has one.</summary>
    public async Task<IReadOnlyDictionary<Guid, CampaignForecast>> LatestAsync(IReadOnlyCollection<Guid> campaigns, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var ids = campaigns.ToArray();
        var rows = await db.Forecasts.FromSqlInterpolated(
                $"SELECT DISTINCT ON (campaign_id) * FROM campaign_forecasts WHERE campaign_id = ANY({ids}) ORDER BY campaign_id, computed_at DESC")
            .AsNoTracking().ToListAsync(ct);
        var goals = await db.Campaigns.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.GoalAmount, ct);
        return rows.Where(r => goals.ContainsKey(r.CampaignId)).ToDictionary(r => r.CampaignId, r => FromRow(r, goals[r.CampaignId]));
    }

    /// <summary>How the forecast of <paramref name="campaign"/> moved: its kept forecasts in time order (at most one per <paramref name="step"/>).</summary>
    public async Task<IReadOnlyList<CampaignForecast>> HistoryAsync(Guid campaign, TimeSpan step, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var goal = await db.Campaigns.Where(c => c.Id == campaign).Select(c => c.GoalAmount).FirstOrDefaultAsync(ct);
        var seconds = Math.Max(1, (long)step.TotalSeconds);
        var rows = await db.Forecasts.FromSqlInterpolated(
                $"""
                SELECT * FROM campaign_forecasts WHERE campaign_id = {campaign} AND computed_at IN (
                    SELECT DISTINCT ON (bucket) computed_at
                    FROM (SELECT computed_at, floor(extract(epoch FROM computed_at) / {seconds}) AS bucket FROM campaign_forecasts WHERE campaign_id = {campaign}) f
                    ORDER BY bucket, computed_at DESC)
                """)
            .AsNoTracking().ToListAsync(ct);
        return rows.OrderBy(r => r.ComputedAt).Select(r => FromRow(r, goal)).ToList();
    }

    private static CampaignForecast FromRow(ForecastPoint r, decimal goal) => new(r.CampaignId, r.ComputedAt,
        r.Basis == BasisName(ForecastBasis.Prior) ? ForecastBasis.Prior : ForecastBasis.Neighbours,
        r.Pledged, goal, r.ProjectedTotal, r.Low, r.High, r.Probability, r.GoalReachedAt,
        JsonSerializer.Deserialize<ForecastInputs>(r.InputsJson, Json)!);

    private static string BasisName(ForecastBasis basis) => basis == ForecastBasis.Prior ? "prior" : "neighbours";
}
