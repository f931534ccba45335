namespace Crowdstart.Pipeline.Forecast;

/// <summary>
/// A campaign's history from launch, hour by hour, as far as it is known: the cumulative net pledged amount (pledges
/// minus refunds) and the cumulative counts the live signals are made of. Element <c>k</c> of every series is the
/// total at the end of hour <c>k</c> after launch. The forecaster reads it in shares of the goal and fractions of
/// the duration, so campaigns of any size and length compare.
/// </summary>
public sealed class CampaignTrajectory
{
    public CampaignTrajectory(Guid campaignId, decimal goal, DateTimeOffset launchAt, DateTimeOffset endAt, double observedHours,
        IReadOnlyList<HourTotals> hours)
    {
        if (goal <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(goal), goal, "A trajectory needs a positive goal.");
        }
        if (endAt <= launchAt)
        {
            throw new ArgumentOutOfRangeException(nameof(endAt), endAt, "A trajectory ends after its launch.");
        }
        CampaignId = campaignId;
        Goal = goal;
        LaunchAt = launchAt;
        EndAt = endAt;
        ObservedHours = Math.Clamp(observedHours, 0, DurationHours);
        Hours = hours;
    }

    public Guid CampaignId { get; }
    public decimal Goal { get; }
    public DateTimeOffset LaunchAt { get; }
    public DateTimeOffset EndAt { get; }

    /// <summary>How far the history is known, in hours since launch (the whole duration for a finished campaign).</summary>
    public double ObservedHours { get; }

    /// <summary>Cumulative totals at the end of each hour since launch.</summary>
    public IReadOnlyList<HourTotals> Hours { get; }

    public double DurationHours => (EndAt - LaunchAt).TotalHours;

    /// <summary>The share of the duration that is known (0 at launch, 1 once finished).</summary>
    public double Elapsed => ObservedHours / DurationHours;

    /// <summary>Net pledged as a share of the goal at <paramref name="hours"/> since launch (linear within an hour).</summary>
    public double ProgressAt(double hours) => At(hours, h => h.NetPledged) / (double)Goal;

    /// <summary>Net pledged as a share of the goal at the same fraction <paramref name="elapsed"/> of this campaign's duration.</summary>
    public double ProgressAtFraction(double elapsed) => ProgressAt(elapsed * DurationHours);

    /// <summary>Net pledged as a share of the goal now (at <see cref="ObservedHours"/>).</summary>
    public double Progress => ProgressAt(ObservedHours);

    /// <summary>The live signals as they stood at <paramref name="hours"/> since launch.</summary>
    public LiveSignals SignalsAt(double hours)
    {
        var visits = At(hours, h => h.Visits);
        var pledges = At(hours, h => h.Pledges);
        var social = At(hours, h => h.SocialVisitors);
        var visitors = At(hours, h => h.Visitors);
        var returning = At(hours, h => h.ReturningVisitors);
        return new LiveSignals(
            visits,
            visits <= 0 ? null : Math.Min(1, pledges / visits),
            visitors <= 0 ? null : Math.Min(1, returning / visitors),
            visitors <= 0 ? null : Math.Min(1, social / visitors));
    }

    /// <summary>Pledged per hour over the last quarter of the known span, against the first quarter's (the launch pace).</summary>
    public double? PaceAt(double hours)
    {
        if (hours < 2)
        {
            return null;
        }
        var quarter = hours / 4;
        var first = ProgressAt(quarter);
        var last = ProgressAt(hours) - ProgressAt(hours - quarter);
        return first <= 0 ? null : last / first;
    }

    private double At(double hours, Func<HourTotals, double> value)
    {
        hours = Math.Min(hours, ObservedHours);
        if (hours <= 0 || Hours.Count == 0)
        {
            return 0;
        }
        // Element k holds the total at hour k + 1; in between, the total grows linearly.
        var upper = (int)Math.Ceiling(hours) - 1;
        if (upper >= Hours.Count)
        {
            return value(Hours[^1]);
        }
        var end = value(Hours[upper]);
        var start = upper == 0 ? 0 : value(Hours[upper - 1]);
        // The last hour may be known only in part: its total is as of ObservedHours, not of the hour's end.
        var length = Math.Min(1, ObservedHours - upper);
        return start + (end - start) * Math.Min(1, (hours - upper) / length);
    }
}

/// <summary>Cumulative totals since launch at the end of one hour.</summary>
/// <param name="NetPledged">Pledged minus refunded, in the campaign's currency.</param>
/// <param name="Pledges">Completed pledges.</param>
/// <param name="Visits">Page views.</param>
/// <param name="SocialVisitors">Visitors whose first visit came from a social network (counted in the hour of that visit).</param>
/// <param name="Visitors">Customers seen (each once, in the hour of their first event).</param>
/// <param name="ReturningVisitors">Customers who came back at least an hour after their first event (each once, when they first did).</param>
public readonly record struct HourTotals(double NetPledged, double Pledges, double Visits, double SocialVisitors, double Visitors, double ReturningVisitors);

/// <summary>The early signals beside the money, as shares (null when there is nothing to divide by yet).</summary>
/// <param name="Visits">Page views so far.</param>
/// <param name="Conversion">Pledges per page view.</param>
/// <param name="ReturnRate">Visitors who came back, per visitor.</param>
/// <param name="SocialShare">Visitors whose first visit came from a social network, per visitor.</param>
public sealed record LiveSignals(double Visits, double? Conversion, double? ReturnRate, double? SocialShare);
