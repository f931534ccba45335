namespace Crowdstart.Pipeline.Storage.Entities;

/// <summary>
/// One forecast of a campaign, as computed at <see cref="ComputedAt"/>: the rows of a campaign are the time series of
/// how its forecast moved (Forecast.ForecastService writes one when a forecast changes materially, or every 10 min).
/// </summary>
public sealed class ForecastPoint
{
    public Guid CampaignId { get; set; }
    public DateTimeOffset ComputedAt { get; set; }
    /// <summary>Share of the duration gone.</summary>
    public double Elapsed { get; set; }
    public decimal Pledged { get; set; }
    public decimal ProjectedTotal { get; set; }
    public decimal Low { get; set; }
    public decimal High { get; set; }
    public double Probability { get; set; }
    public DateTimeOffset? GoalReachedAt { get; set; }
    /// <summary><c>neighbours</c> or <c>prior</c>.</summary>
    public required string Basis { get; set; }
    /// <summary>The inputs (Forecast.ForecastInputs) as JSON.</summary>
    public required string InputsJson { get; set; }
}
