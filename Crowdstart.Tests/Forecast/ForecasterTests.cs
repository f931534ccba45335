using Crowdstart.Pipeline.Forecast;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Forecast;

/// <summary>The forecaster on trajectories whose right answer is known.</summary>
[Layer(TestLayer.Unit)]
public sealed class ForecasterTests
{
    private static readonly DateTimeOffset Launch = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly Forecaster _forecaster = new(ForecastSettings.Default);

    /// <summary>A campaign of <paramref name="days"/> whose net pledged follows <paramref name="share"/> (share of the goal by fraction of the duration).</summary>
    private static CampaignTrajectory Campaign(Func<double, double> share, double goal = 10_000, int days = 30, double? observedHours = null,
        DateTimeOffset? launch = null, Guid? id = null)
    {
        var start = launch ?? Launch;
        var duration = days * 24;
        var hours = Enumerable.Range(1, duration)
            .Select(h => new HourTotals(goal * share(h / (double)duration), 0, 0, 0, 0, 0))
            .ToList();
        return new CampaignTrajectory(id ?? Guid.NewGuid(), (decimal)goal, start, start.AddDays(days), observedHours ?? duration, hours);
    }

    /// <summary>Launch-heavy path to <paramref name="final"/>: 40 % of it in the first 10 % of the time, the rest evenly.</summary>
    private static Func<double, double> Path(double final) => x => final * (x < 0.1 ? 4 * x : 0.4 + 0.6 * (x - 0.1) / 0.9);

    [Fact]
    public void Predict_NeighboursAllGrewThreefold_ProjectsThreefoldAndTheirGoalDay()
    {
        // Arrange: 40 finished campaigns, each at 30–50 % of its goal after 3 days (10 % of 30) and finishing at 2.5 times that
        var corpus = new ForecastCorpus(Enumerable.Range(0, 40).Select(i => Campaign(Path(0.75 + i * 0.00625 * 2), goal: 5_000 + 500 * i)), Launch.AddDays(60));
        var target = Campaign(Path(0.9), goal: 20_000, observedHours: 72, launch: Launch.AddDays(40));

        // Act
        var forecast = _forecaster.Predict(target, corpus, target.LaunchAt.AddHours(72));

        // Assert: progress 0.9 × 0.4 = 0.36 now; each neighbour's final is 2.5 × its progress at 10 % of the time
        Assert.Equal(ForecastBasis.Neighbours, forecast.Basis);
        Assert.Equal(7_200m, forecast.Pledged);
        Assert.InRange(forecast.ProjectedTotal, 17_500m, 18_500m);
        Assert.True(forecast.Low <= forecast.ProjectedTotal && forecast.ProjectedTotal <= forecast.High);
        Assert.InRange(forecast.Probability, 0, 0.2);
        Assert.Equal(ForecastStatus.AtRisk, forecast.Status);
        Assert.Null(forecast.GoalReachedAt);
        Assert.Equal(25, forecast.Inputs.Neighbours);
        Assert.Equal(40, forecast.Inputs.Comparable);
        Assert.InRange(forecast.Inputs.NeighbourGrowth, 2.4, 2.6);
    }

    [Fact]
    public void Predict_NeighboursCrossTheGoal_ProjectsTheDayTheScaledPathsCross()
    {
        // Arrange: every neighbour ends at 2 × goal on the same path; the target is exactly on it
        var corpus = new ForecastCorpus(Enumerable.Range(0, 35).Select(_ => Campaign(Path(2))), Launch.AddDays(60));
        var target = Campaign(Path(2), observedHours: 48, launch: Launch.AddDays(31));

        // Act
        var forecast = _forecaster.Predict(target, corpus, target.LaunchAt.AddHours(48));

        // Assert: the path reaches 1 where 0.8 + 1.2 (x − 0.1) / 0.9 = 1, x = 0.25, i.e. day 7.5
        Assert.InRange(forecast.ProjectedTotal, 19_900m, 20_100m);
        Assert.True(forecast.Probability > 0.95, $"probability {forecast.Probability}");
        Assert.Equal(ForecastStatus.OnTrack, forecast.Status);
        Assert.NotNull(forecast.GoalReachedAt);
        Assert.InRange((forecast.GoalReachedAt!.Value - target.LaunchAt).TotalHours, 7.5 * 24 - 1, 7.5 * 24 + 1);
    }

    [Fact]
    public void Predict_FewerComparableThanTheMinimum_UsesThePledgeCurvePrior()
    {
        // Arrange: 10 finished campaigns, and 40 of a length that does not compare (5 days against 30)
        var corpus = new ForecastCorpus(
            Enumerable.Range(0, 10).Select(_ => Campaign(Path(1))).Concat(Enumerable.Range(0, 40).Select(_ => Campaign(Path(1), days: 5))), Launch.AddDays(60));
        var target = Campaign(x => 0.2 * x / 0.1, observedHours: 72, launch: Launch.AddDays(40));

        // Act
        var forecast = _forecaster.Predict(target, corpus, target.LaunchAt.AddHours(72));

        // Assert: the prior's median is progress ÷ its share of the final at 10 % of the duration
        var expected = (0.2 + Forecaster.Offset) / PledgeCurvePrior.Share(0.1) - Forecaster.Offset;
        Assert.Equal(ForecastBasis.Prior, forecast.Basis);
        Assert.Equal(10, forecast.Inputs.Comparable);
        Assert.Equal(0, forecast.Inputs.Neighbours);
        Assert.InRange((double)forecast.ProjectedTotal, expected * 10_000 - 1, expected * 10_000 + 1);
        Assert.True(forecast.High > 2 * forecast.Low, "the prior's interval is wide");
    }

    [Fact]
    public void Predict_GoalAlreadyReached_FundedWithCertaintyAndNoGoalDay()
    {
        // Arrange
        var corpus = new ForecastCorpus(Enumerable.Range(0, 40).Select(i => Campaign(Path(0.5 + i * 0.05))), Launch.AddDays(60));
        var target = Campaign(Path(3), observedHours: 100, launch: Launch.AddDays(40));

        // Act
        var forecast = _forecaster.Predict(target, corpus, target.LaunchAt.AddHours(100));

        // Assert
        Assert.True(forecast.Pledged >= forecast.Goal);
        Assert.Equal(1, forecast.Probability);
        Assert.Equal(ForecastStatus.Funded, forecast.Status);
        Assert.Null(forecast.GoalReachedAt);
        Assert.True(forecast.Low >= forecast.Pledged, "a final is never projected below what is pledged");
    }

    [Fact]
    public void Predict_NothingPledgedYet_FiniteForecastAtOrAboveZero()
    {
        // Arrange
        var corpus = new ForecastCorpus(Enumerable.Range(0, 40).Select(i => Campaign(Path(0.5 + i * 0.05))), Launch.AddDays(60));
        var target = Campaign(_ => 0, observedHours: 4, launch: Launch.AddDays(40));

        // Act
        var forecast = _forecaster.Predict(target, corpus, target.LaunchAt.AddHours(4));

        // Assert
        Assert.Equal(0m, forecast.Pledged);
        Assert.True(forecast.Low >= 0 && forecast.Low <= forecast.ProjectedTotal && forecast.ProjectedTotal <= forecast.High);
        Assert.InRange(forecast.Probability, 0, 1);
    }

    [Fact]
    public void Predict_HeldOutCampaignsOfARandomModel_IntervalHoldsAbout80PercentAndBeatsTheTrendLine()
    {
        // Arrange: a noisy launch-decay-surge model; 400 campaigns to learn from, 200 later ones to forecast at 10 %
        var random = new Random(18);
        var all = Enumerable.Range(0, 600).Select(i => RandomCampaign(random, Launch.AddHours(i * 6))).ToList();
        var corpus = new ForecastCorpus(all.Take(400), Launch.AddDays(400));
        var held = all.Skip(400).ToList();

        // Act
        var results = held.Select(c =>
        {
            var hours = 0.1 * c.DurationHours;
            var partial = new CampaignTrajectory(c.CampaignId, c.Goal, c.LaunchAt, c.EndAt, hours, c.Hours);
            var forecast = _forecaster.Predict(partial, corpus, c.LaunchAt.AddHours(hours));
            var final = (decimal)c.ProgressAt(c.DurationHours) * c.Goal;
            var trend = (decimal)(partial.Progress / 0.1) * c.Goal;
            return (forecast, final, trend);
        }).ToList();

        // Assert
        var coverage = results.Count(r => r.forecast.Low <= r.final && r.final <= r.forecast.High) / (double)results.Count;
        Assert.InRange(coverage, 0.7, 0.9);
        double Mape(Func<(CampaignForecast forecast, decimal final, decimal trend), decimal> projected) =>
            results.Average(r => Math.Abs((double)(projected(r) - r.final)) / (double)r.final);
        Assert.True(Mape(r => r.forecast.ProjectedTotal) < Mape(r => r.trend),
            $"MAPE {Mape(r => r.forecast.ProjectedTotal):P1} against the trend line's {Mape(r => r.trend):P1}");
        var accuracy = results.Count(r => (r.forecast.Probability >= 0.5) == (r.final >= r.forecast.Goal)) / (double)results.Count;
        Assert.True(accuracy >= 0.75, $"accuracy {accuracy:P1}");
    }

    /// <summary>A launch burst decaying over 1–3 days, a steady middle and a final-48 h surge; the final total is log-normal around the goal.</summary>
    private static CampaignTrajectory RandomCampaign(Random random, DateTimeOffset launch)
    {
        var days = random.Next(20, 46);
        var duration = days * 24;
        var final = Math.Exp(0.6 * Gaussian(random));
        var launchShare = 0.25 + 0.25 * random.NextDouble();
        var surgeShare = 0.1 + 0.15 * random.NextDouble();
        var halfLife = 24 + 48 * random.NextDouble();
        var raw = new double[duration];
        for (var h = 0; h < duration; h++)
        {
            var launchRate = launchShare * Math.Log(2) / halfLife * Math.Pow(0.5, h / halfLife);
            var surgeRate = h >= duration - 48 ? surgeShare / 48 : 0;
            var steady = (1 - launchShare - surgeShare) / duration;
            raw[h] = Math.Max(0, (launchRate + surgeRate + steady) * (1 + 0.5 * Gaussian(random)));
        }
        var scale = final / raw.Sum();
        var goal = 1000 * Math.Round(2 + 50 * random.NextDouble());
        var cumulative = 0.0;
        var hours = raw.Select(r => { cumulative += r * scale * goal; return new HourTotals(cumulative, 0, 0, 0, 0, 0); }).ToList();
        return new CampaignTrajectory(Guid.NewGuid(), (decimal)goal, launch, launch.AddDays(days), duration, hours);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
