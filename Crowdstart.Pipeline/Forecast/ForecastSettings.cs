namespace Crowdstart.Pipeline.Forecast;

/// <summary>The forecaster's fixed choices (docs/forecast.md explains each).</summary>
public sealed record ForecastSettings
{
    /// <summary>Neighbours a forecast rests on.</summary>
    public int Neighbours { get; init; } = 25;

    /// <summary>
    /// Up to this many hours after launch, candidates are compared at the same hour since their launch rather than
    /// at the same share of their duration: a launch burst decays in hours, whatever the campaign's length.
    /// </summary>
    public double LaunchHours { get; init; } = 48;

    /// <summary>Comparable finished campaigns needed before neighbours replace the prior.</summary>
    public int MinComparable { get; init; } = 30;

    /// <summary>A finished campaign is comparable when its duration is within this factor of the target's, either way.</summary>
    public double DurationFactor { get; init; } = 2;

    /// <summary>Share of its interval the 80 % interval is calibrated to contain on the corpus itself.</summary>
    public double Coverage { get; init; } = 0.8;

    /// <summary>Corpus campaigns a spread is calibrated on (evenly picked when there are more).</summary>
    public int CalibrationSample { get; init; } = 300;

    /// <summary>
    /// Weights of the distance terms: progress so far, the recent growth, traffic (page views per €1,000 of goal: many
    /// more of them than pledges early on, so a steadier reading of demand), conversion, return rate, social share.
    /// </summary>
    public double ProgressWeight { get; init; } = 1;
    public double TrafficWeight { get; init; } = 1;
    public double DurationWeight { get; init; } = 1;
    public double GrowthWeight { get; init; } = 0.5;
    public double ConversionWeight { get; init; } = 0.5;
    public double ReturnWeight { get; init; } = 0.25;
    public double SocialWeight { get; init; } = 0.25;

    public static ForecastSettings Default { get; } = new();
}
