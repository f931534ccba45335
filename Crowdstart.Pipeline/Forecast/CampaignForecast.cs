using System.Text.Json.Serialization;

namespace Crowdstart.Pipeline.Forecast;

/// <summary>
/// Where a campaign is heading, as of <see cref="AsOf"/>: the projected final net total with an 80 % interval, the
/// chance of reaching the goal, the day it is projected to be reached, and what the figures rest on.
/// </summary>
public sealed record CampaignForecast(
    Guid CampaignId,
    DateTimeOffset AsOf,
    ForecastBasis Basis,
    decimal Pledged,
    decimal Goal,
    decimal ProjectedTotal,
    decimal Low,
    decimal High,
    double Probability,
    DateTimeOffset? GoalReachedAt,
    ForecastInputs Inputs)
{
    /// <summary>Funded, on track (an even chance or better) or at risk.</summary>
    public ForecastStatus Status => Pledged >= Goal ? ForecastStatus.Funded : Probability >= 0.5 ? ForecastStatus.OnTrack : ForecastStatus.AtRisk;
}

/// <summary>What a forecast was made from.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ForecastBasis>))]
public enum ForecastBasis
{
    /// <summary>The finished campaigns whose trajectory so far looked most like this one's.</summary>
    Neighbours,

    /// <summary>Too few comparable finished campaigns: the usual pledge curve (<see cref="PledgeCurvePrior"/>).</summary>
    Prior,
}

[JsonConverter(typeof(JsonStringEnumConverter<ForecastStatus>))]
public enum ForecastStatus
{
    OnTrack,
    AtRisk,
    Funded,
}

/// <summary>
/// The inputs a forecast used, for its explanation: how far in the campaign is, its own signals, and what the
/// comparable campaigns had done by the same point and went on to do. Aggregates only: no other campaign is named.
/// </summary>
/// <param name="Elapsed">Share of the duration gone.</param>
/// <param name="Progress">Share of the goal pledged (net).</param>
/// <param name="Pace">Pledging over the last quarter of the time so far against the first quarter's, if known.</param>
/// <param name="Signals">Conversion, return rate and social share so far.</param>
/// <param name="Comparable">Finished campaigns of a comparable length on the platform.</param>
/// <param name="Neighbours">How many of them the forecast rests on (0 on the prior).</param>
/// <param name="NeighbourProgressLow">The neighbours' progress at the same point: lower quartile.</param>
/// <param name="NeighbourProgressHigh">Upper quartile.</param>
/// <param name="NeighbourGrowth">Median of final ÷ progress at this point among the neighbours (the prior's own on the prior).</param>
/// <param name="NeighboursFunded">Share of the neighbours that reached their goal.</param>
public sealed record ForecastInputs(
    double Elapsed,
    double Progress,
    double? Pace,
    LiveSignals Signals,
    int Comparable,
    int Neighbours,
    double? NeighbourProgressLow,
    double? NeighbourProgressHigh,
    double NeighbourGrowth,
    double? NeighboursFunded);
