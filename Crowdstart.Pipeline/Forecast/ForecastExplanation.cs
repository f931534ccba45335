using System.Globalization;

namespace Crowdstart.Pipeline.Forecast;

/// <summary>
/// What drives a forecast, in sentences a creator reads: the basis, where the campaign stands against its comparable
/// campaigns, and the signals. Built only from fixed wording and formatted numbers (no campaign's name, no event
/// text), and only from aggregates: no neighbour is identified.
/// </summary>
public static class ForecastExplanation
{
    private static readonly CultureInfo En = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>The sentences for a forecast's <paramref name="availability"/> and, when there is one, the latest <paramref name="forecast"/>.</summary>
    public static IReadOnlyList<string> For(ForecastAvailability availability, CampaignForecast? forecast) => availability switch
    {
        ForecastAvailability.NoEndDate => ["No forecast: the campaign has no end date, so there is no final total to project. Set one to get a forecast."],
        ForecastAvailability.NotLaunched => ["The forecast starts when the campaign launches."],
        ForecastAvailability.TooEarly => ["The first forecast comes an hour after launch: before that, a few minutes of pledges cannot tell a strong launch from a lucky start."],
        ForecastAvailability.Pending => ["The first forecast is being computed; it appears within seconds."],
        ForecastAvailability.Ended => ["The campaign has ended: its total is final."],
        _ when forecast is null => [],
        _ => Sentences(forecast!),
    };

    private static List<string> Sentences(CampaignForecast f)
    {
        var i = f.Inputs;
        var lines = new List<string>();
        var at = $"{Percent(i.Elapsed)} of the way through";
        if (f.Status == ForecastStatus.Funded)
        {
            lines.Add($"Funded: {Percent(i.Progress)} of the goal is pledged, {at}. The projection is how far above the goal it may finish.");
        }
        if (f.Basis == ForecastBasis.Neighbours)
        {
            lines.Add($"Based on the {i.Neighbours} finished campaigns (of {i.Comparable} of a similar length on the platform) whose path so far " +
                $"looked most like this one's. At this point they had raised {Percent(i.NeighbourProgressLow ?? 0)}–{Percent(i.NeighbourProgressHigh ?? 0)} " +
                $"of their goals; this campaign has {Percent(i.Progress)}.");
            lines.Add($"From here they raised a median {Times(i.NeighbourGrowth)} what they had, and {Percent(i.NeighboursFunded ?? 0)} of them reached their goal.");
        }
        else
        {
            lines.Add($"Fewer than enough finished campaigns of a similar length to compare with ({i.Comparable}), so this uses the usual pledge curve: " +
                "a strong launch, a quiet middle and a final surge. Treat it as a rough guide; the range is wide on purpose.");
        }
        if (i.Pace is { } pace)
        {
            lines.Add(pace switch
            {
                >= 0.8 => $"Pledging is holding up: the most recent quarter of the time brought {Times(pace)} what the first quarter did.",
                >= 0.3 => $"Pledging has slowed since the launch, as it usually does: the most recent quarter of the time brought {Percent(pace)} of what the first did.",
                _ => $"Pledging has slowed a lot since the launch: the most recent quarter of the time brought only {Percent(pace)} of what the first did.",
            });
        }
        if (i.Signals.Conversion is { } conversion)
        {
            lines.Add($"Visit → pledge conversion so far: {Percent(conversion, 1)} of page views led to a pledge" +
                (i.Signals.SocialShare is { } social ? $"; {Percent(social)} of visitors first came from a social network." : "."));
        }
        return lines;
    }

    private static string Percent(double share, int decimals = 0) => (share * 100).ToString(decimals == 0 ? "N0" : "N1", En) + " %";

    private static string Times(double factor) => factor.ToString(factor < 10 ? "0.0" : "N0", En) + "×";
}
