using Crowdstart.Dashboard.Components.Controls;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Metrics;

namespace Crowdstart.Dashboard.Model;

/// <summary>
/// The page's comparisons with the previous period: each tile's change against the equal-length window before its own
/// (<see cref="CampaignLiveView.Previous"/>), and the revenue chart's ghost series (<see cref="CampaignLiveView.PreviousRevenue"/>).
/// </summary>
public sealed partial class CampaignLiveViewModel
{
    /// <summary>Legend name of the revenue chart's ghost series.</summary>
    public const string PreviousPeriodSeries = "Previous period";

    /// <summary>What a tile counting since launch says instead of a change: the window before it would lie before the launch.</summary>
    public const string SinceLaunchNoPrevious = "since launch · " + TileChange.NoPreviousPeriod;

    private CampaignLiveView? _seriesWithPreviousFor;
    private bool _seriesWithPreviousAnchored;
    private IReadOnlyList<object> _seriesWithPrevious = [];

    /// <summary>Revenue last hour against the 60 minutes before it (relative).</summary>
    public TileChange RevenueChange(DashboardFormatter format) =>
        View is { Previous: { HasLastHour: true } previous } view
            ? TileChange.Relative((double)view.Metrics.Revenue.LastHourNet, (double)previous.LastHourNet,
                format.Money(previous.LastHourNet, view.Campaign.Currency), "previous hour")
            : TileChange.None();

    /// <summary>Visit → pledge conversion of a window against the window before it (percentage points).</summary>
    public TileChange ConversionChange(int windowSeconds, DashboardFormatter format)
    {
        if (View is not { Previous: { } previous } || !previous.Has(windowSeconds))
        {
            return TileChange.None();
        }
        var before = previous.Conversion.FirstOrDefault(c => c.WindowSeconds == windowSeconds)?.Rate;
        return TileChange.Points(Conversion(windowSeconds).Rate, before, format.Rate(before), "previous " + WindowLabel(windowSeconds));
    }

    /// <summary>Social amplification of a window against the window before it (relative: it is a ratio, not a share).</summary>
    public TileChange SocialChange(int windowSeconds)
    {
        if (View is not { Previous: { } previous } || !previous.Has(windowSeconds))
        {
            return TileChange.None();
        }
        var before = previous.Social.FirstOrDefault(s => s.WindowSeconds == windowSeconds)?.Ratio;
        return TileChange.Relative(Social(windowSeconds)?.Ratio, before, before is { } r ? $"{r:0.0}×" : "—", "previous " + WindowLabel(windowSeconds));
    }

    /// <summary>Checkout failure rate of a window against the window before it (percentage points; a rise is bad news).</summary>
    public TileChange CheckoutChange(int windowSeconds, DashboardFormatter format)
    {
        if (View is not { Previous: { } previous } || !previous.Has(windowSeconds))
        {
            return TileChange.None();
        }
        var before = previous.Checkout.FirstOrDefault(c => c.WindowSeconds == windowSeconds)?.FailureRate;
        return TileChange.Points(Checkout(windowSeconds)?.FailureRate, before, format.Rate(before), "previous " + WindowLabel(windowSeconds), higherIsBetter: false);
    }

    /// <summary>Whether the revenue chart has a previous period to draw (false when the range before would start before the launch).</summary>
    public bool HasPreviousRevenue => View?.PreviousRevenue is { Count: > 0 };

    /// <summary>
    /// <see cref="RevenueSeries"/> plus the previous period's net per interval, moved forward by one range so each interval
    /// sits over the one it compares with. The same list instance until the view or the axis changes (the chart redraws on a
    /// new instance).
    /// </summary>
    public IReadOnlyList<object> RevenueSeriesWithPrevious
    {
        get
        {
            if (View is not { } view || Campaign is null)
            {
                return RevenueSeries;
            }
            if (ReferenceEquals(_seriesWithPreviousFor, view) && _seriesWithPreviousAnchored == LaunchAnchored && _seriesWithPrevious.Count > 0)
            {
                return _seriesWithPrevious;
            }
            (_seriesWithPreviousFor, _seriesWithPreviousAnchored) = (view, LaunchAnchored);
            _seriesWithPrevious = view.PreviousRevenue is { Count: > 0 } previous
                ? [.. RevenueSeries, new ChartSeries(PreviousPeriodSeries, "line", PreviousPoints(view, previous))]
                : RevenueSeries;
            return _seriesWithPrevious;
        }
    }

    /// <summary>Legend name of the conversion chart's ghost series.</summary>
    public const string PreviousConversionSeries = "5 min · previous period";

    private CampaignLiveView? _conversionWithPreviousFor;
    private IReadOnlyList<object> _conversionWithPrevious = [];

    /// <summary>
    /// <see cref="ConversionSeries"/> plus the previous range's 5-min conversion moved forward by one range; the same list
    /// instance until the view changes.
    /// </summary>
    public IReadOnlyList<object> ConversionSeriesWithPrevious
    {
        get
        {
            if (View is not { } view)
            {
                return ConversionSeries;
            }
            if (!ReferenceEquals(_conversionWithPreviousFor, view))
            {
                _conversionWithPreviousFor = view;
                var shift = MetricWindows.LivePoint(view.At) - view.From;
                _conversionWithPrevious = view.PreviousConversion is { Count: > 0 } previous
                    ? [.. ConversionSeries, new ChartSeries(PreviousConversionSeries, "line", [.. previous.Where(p => p.Rate is not null)
                        .Select(p => new[] { Clock(p.At + shift), Math.Round(p.Rate!.Value * 100, 2) })])]
                    : ConversionSeries;
            }
            return _conversionWithPrevious;
        }
    }

    private double[][] PreviousPoints(CampaignLiveView view, IReadOnlyList<RevenuePoint> previous)
    {
        var shift = view.From - previous[0].At;
        var launch = Campaign!.LaunchAt;
        return [.. previous.Select(p => new[]
        {
            LaunchAnchored ? Math.Round((p.At + shift - launch).TotalMinutes, 2) : Clock(p.At + shift),
            (double)p.Net,
        })];
    }
}
