using System.Text.Json.Serialization;

namespace Crowdstart.Pipeline.Forecast;

/// <summary>Whether a campaign has a forecast, and if not, why (named in JSON: API clients read words, not numbers).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ForecastAvailability>))]
public enum ForecastAvailability
{
    /// <summary>A forecast exists (<see cref="ForecastView.Latest"/>).</summary>
    Available,

    /// <summary>The campaign has no end date: there is no final total to project.</summary>
    NoEndDate,

    /// <summary>The campaign has not launched yet.</summary>
    NotLaunched,

    /// <summary>Launched less than <see cref="Forecaster.FirstForecast"/> ago: the first forecast comes then.</summary>
    TooEarly,

    /// <summary>Running, but the first forecast is still being computed (within seconds of its first hour or of a start).</summary>
    Pending,

    /// <summary>The campaign has ended: its total is final. <see cref="ForecastView.Latest"/> is the last forecast made.</summary>
    Ended,
}

/// <summary>A campaign's forecast as the page and the API show it: the latest, how it moved, and what drives it.</summary>
/// <param name="CampaignId">The campaign.</param>
/// <param name="Availability">Whether there is a forecast, or why not.</param>
/// <param name="Latest">The latest forecast (null when there is none).</param>
/// <param name="History">Earlier forecasts, oldest first, at most one per hour.</param>
/// <param name="Explanation">What drives the forecast, in plain sentences (or why there is none).</param>
public sealed record ForecastView(
    Guid CampaignId,
    ForecastAvailability Availability,
    CampaignForecast? Latest,
    IReadOnlyList<ForecastHistoryPoint> History,
    IReadOnlyList<string> Explanation);

/// <summary>One earlier forecast: when it was made, what was pledged then, its projection and interval, and the chance of reaching the goal then.</summary>
public sealed record ForecastHistoryPoint(DateTimeOffset At, decimal Pledged, decimal ProjectedTotal, decimal Low, decimal High, double Probability);
