using Crowdstart.Tests.Alerts.Scenarios;
using Crowdstart.Pipeline.Alerts;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Alerts;

[Layer(TestLayer.Unit)]
public class StatisticsTests
{
    [Theory]
    [InlineData(0, 2.0, 0.1353352832)]
    [InlineData(2, 2.0, 0.6766764162)]
    [InlineData(10, 10.0, 0.5830397502)]
    public void PoissonLowerTail_KnownValues_Match(int k, double lambda, double expected) =>
        Assert.Equal(expected, Statistics.PoissonLowerTail(k, lambda), 8);

    [Theory]
    [InlineData(2, 10, 0.5, 0.0546875)]
    [InlineData(0, 5, 0.2, 0.32768)]
    [InlineData(7, 20, 0.85, 5.2951231e-7)]
    public void BinomialLowerTail_KnownValues_Match(int k, int n, double p, double expected) =>
        Assert.Equal(expected, Statistics.BinomialLowerTail(k, n, p), expected < 1e-4 ? 12 : 6);

    [Fact]
    public void PoissonTails_LargeLambda_DoNotUnderflow()
    {
        Assert.InRange(Statistics.PoissonUpperTail(2300, 2000), 1e-12, 1e-9);
        Assert.InRange(Statistics.PoissonLowerTail(1700, 2000), 1e-13, 1e-10);
        Assert.Equal(1.0, Statistics.PoissonLowerTail(1999, 2000) + Statistics.PoissonUpperTail(2000, 2000), 9);
    }

    [Fact]
    public void BinomialTails_LargeN_DoNotUnderflowAndSumToOne()
    {
        var lower = Statistics.BinomialLowerTail(4900, 10_000, 0.5);
        var upper = Statistics.BinomialUpperTail(4901, 10_000, 0.5);

        Assert.InRange(lower, 0.02, 0.03);
        Assert.Equal(1.0, lower + upper, 9);
    }
}

[Layer(TestLayer.Unit)]
public class DetectorTests
{
    private static readonly DateTimeOffset Launch = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Steady traffic for <paramref name="minutes"/>, then <paramref name="change"/> applied to the last <paramref name="changedMinutes"/>.</summary>
    private static CampaignSeries Series(int minutes, int changedMinutes, Func<int, BucketCounts, BucketCounts> change,
        int visits = 10, int checkouts = 2, int failures = 0, int pledges = 2)
    {
        var buckets = new List<BucketCounts>();
        for (var i = 0; i < minutes * 6; i++)
        {
            var b = new BucketCounts(Launch.AddSeconds(10 * i), visits, checkouts, failures, pledges, new Dictionary<string, int> { ["direct"] = visits });
            buckets.Add(i >= (minutes - changedMinutes) * 6 ? change(i, b) : b);
        }
        return new CampaignSeries(buckets, Launch);
    }

    private static Signal Get(CampaignSeries s, string detector) => Detectors.Evaluate(s, DetectorSettings.Default).Single(x => x.Detector == detector);

    [Fact]
    public void Evaluate_SteadyCampaign_RaisesNothing()
    {
        var signals = Detectors.Evaluate(Series(150, 0, (_, b) => b), DetectorSettings.Default).ToList();

        Assert.NotEmpty(signals);
        Assert.DoesNotContain(signals, s => s.Anomalous);
    }

    [Fact]
    public void Evaluate_FirstMinutesWithoutPriorOrBaseline_OnlyTheAbsoluteGuardsJudge()
    {
        // Arrange: three minutes after launch, no platform history
        var young = Series(3, 0, (_, b) => b);

        // Act
        var signals = Detectors.Evaluate(young, DetectorSettings.Default).ToList();

        // Assert: failures and stalled pledges are judged from the first minute; traffic and funnel rates still learn
        Assert.Equal([DetectorKinds.RevenueStall, DetectorKinds.CheckoutFailureSpike], signals.Select(s => s.Detector).Order().Reverse());
        Assert.DoesNotContain(signals, s => s.Anomalous);
    }

    [Fact]
    public void Evaluate_HalfOfCheckoutsFailInTheFirstMinutesOfALaunch_AlertsAgainstThePlatformPrior()
    {
        // Arrange: the platform's launches fail 5 % of checkouts in their first hour; this one fails half of them from minute 2
        var prior = new LaunchPrior(Enumerable.Range(0, 8).SelectMany(c => FunnelRate.All.Select(rate =>
            new CampaignRateCounts(Guid.NewGuid(), 0, rate.Name, rate == FunnelRate.FailureShare ? 5 + c % 3 : 80 + c, 100))));
        var launch = Series(5, 3, (i, b) => b with { CheckoutFailures = 1, Pledges = 1 });

        // Act
        var signal = Detectors.Evaluate(launch, DetectorSettings.Default, new DetectorContext(Guid.NewGuid(), prior, new Dictionary<string, DateTimeOffset>()))
            .Single(s => s.Detector == DetectorKinds.CheckoutFailureSpike);

        // Assert
        Assert.True(signal.Anomalous, signal.Message);
        Assert.Contains("launches on the platform", signal.Message);
    }

    [Fact]
    public void Readiness_AsTheLaunchAges_LearningThenPlatformThenOwnBaseline()
    {
        // Arrange
        var prior = new LaunchPrior(Enumerable.Range(0, 8).SelectMany(c => FunnelRate.All.Select(rate =>
            new CampaignRateCounts(Guid.NewGuid(), 0, rate.Name, 60 + c, 100))));
        var context = new DetectorContext(Guid.NewGuid(), prior, new Dictionary<string, DateTimeOffset>());
        DetectorBasis Basis(int minutes, string detector, DetectorContext c) =>
            Detectors.Readiness(Series(minutes, 0, (_, b) => b), DetectorSettings.Default, c).Single(r => r.Detector == detector).Basis;

        // Act / Assert: no prior and no history, a prior, then the campaign's own hour
        Assert.Equal(DetectorBasis.Learning, Basis(2, DetectorKinds.CheckoutConversionDrop, DetectorContext.None));
        Assert.Equal(DetectorBasis.Platform, Basis(2, DetectorKinds.CheckoutConversionDrop, context));
        Assert.Equal(DetectorBasis.Own, Basis(90, DetectorKinds.CheckoutConversionDrop, context));
        Assert.Equal(DetectorBasis.Learning, Basis(4, DetectorKinds.TrafficDrop, context));
        Assert.Equal(DetectorBasis.Own, Basis(20, DetectorKinds.TrafficDrop, context));
    }

    [Fact]
    public void Evaluate_CollapseOngoingWhileItsAlertIsOpen_BaselineStaysFromBeforeTheIncident()
    {
        // Arrange: traffic collapsed 25 minutes ago, most of the hour the baseline would slide over
        var series = Series(150, 25, (_, b) => b with { Visits = 1, VisitsBySource = new Dictionary<string, int> { ["direct"] = 1 } });
        var open = new DetectorContext(Guid.Empty, LaunchPrior.Empty,
            new Dictionary<string, DateTimeOffset> { [DetectorKinds.TrafficDrop] = series.End.AddMinutes(-24) });

        // Act
        var sliding = Detectors.Evaluate(series, DetectorSettings.Default).Single(s => s.Detector == DetectorKinds.TrafficDrop);
        var frozen = Detectors.Evaluate(series, DetectorSettings.Default, open).Single(s => s.Detector == DetectorKinds.TrafficDrop);

        // Assert: a sliding baseline has learnt the collapse as normal; the open alert's baseline has not
        Assert.False(sliding.Anomalous, sliding.Message);
        Assert.True(frozen.Anomalous, frozen.Message);
    }

    [Fact]
    public void Evaluate_BacklogOfPledgesWhoseVisitsCameEarlier_VisitConversionCountsEveryPledgeAsAShare()
    {
        // Arrange: for 20 minutes a backlog brings three times as many pledges as visits
        var series = Series(150, 20, (_, b) => b with { Visits = 2, Pledges = 6, Checkouts = 6 });

        // Act
        var signal = Get(series, DetectorKinds.VisitConversionDrop);

        // Assert: each pledge beyond its window's visits is its own visit, so the rate is a share, never above 100 %
        Assert.False(signal.Anomalous);
        Assert.InRange(signal.Value, 0, 1);
        Assert.Contains("fell to 100 % over the last 1 min", signal.Message);
    }

    [Fact]
    public void Evaluate_PledgesHalveWhileCheckoutsContinue_CheckoutConversionDropExplainsItself()
    {
        var series = Series(150, 10, (i, b) => b with { Pledges = i % 2 });

        var signal = Get(series, DetectorKinds.CheckoutConversionDrop);

        Assert.True(signal.Anomalous);
        Assert.Contains("Checkout → pledge conversion fell to 25 %", signal.Message);
        Assert.Contains("baseline", signal.Message);
    }

    [Fact]
    public void Evaluate_TrafficCollapses_TrafficDrop()
    {
        var signal = Get(Series(150, 3, (_, b) => b with { Visits = 1, VisitsBySource = new Dictionary<string, int> { ["direct"] = 1 } }), DetectorKinds.TrafficDrop);

        Assert.True(signal.Anomalous);
        Assert.Equal(AlertSeverity.Critical, signal.Severity);
    }

    [Fact]
    public void Evaluate_OneSourceTriplesTraffic_SpikeAttributedToThatSource()
    {
        var series = Series(150, 3, (_, b) => b with { Visits = 40, VisitsBySource = new Dictionary<string, int> { ["direct"] = 10, ["social:reddit"] = 30 } });

        var signal = Detectors.Evaluate(series, DetectorSettings.Default).Single(s => s.Detector == DetectorKinds.TrafficSpike);

        Assert.True(signal.Anomalous);
        Assert.Equal("campaign", signal.Scope);
        Assert.Contains("driven by social:reddit", signal.Message);
    }

    [Fact]
    public void Evaluate_FailuresJump_CheckoutFailureSpike()
    {
        var signal = Get(Series(150, 5, (_, b) => b with { CheckoutFailures = 1 }), DetectorKinds.CheckoutFailureSpike);

        Assert.True(signal.Anomalous);
    }

    [Fact]
    public void Evaluate_QuietCampaignLosesItsFewPledges_StaysSilentForLackOfVolume()
    {
        // Two visitors a minute, a checkout every ten minutes and a pledge every twenty; then no pledge for 30 minutes.
        var buckets = Enumerable.Range(0, 150 * 6).Select(i => new BucketCounts(Launch.AddSeconds(10 * i), i % 3 == 0 ? 1 : 0, i % 60 == 0 ? 1 : 0, 0,
            i % 120 == 0 && i < 120 * 6 ? 1 : 0, new Dictionary<string, int> { ["direct"] = i % 3 == 0 ? 1 : 0 })).ToList();
        var quiet = new CampaignSeries(buckets, Launch);

        var signals = Detectors.Evaluate(quiet, DetectorSettings.Default).ToList();

        Assert.NotEmpty(signals);
        Assert.DoesNotContain(signals, s => s.Anomalous);
    }

    [Fact]
    public void Evaluate_PledgesStopWhileCheckoutsContinue_RevenueStallAndVisitConversionDrop()
    {
        var series = Series(150, 10, (_, b) => b with { Pledges = 0 });

        Assert.True(Get(series, DetectorKinds.RevenueStall).Anomalous);
        Assert.Contains("Pledges stalled: 0 pledges from 120 checkouts over the last 10 min", Get(series, DetectorKinds.RevenueStall).Message);
        Assert.True(Get(series, DetectorKinds.VisitConversionDrop).Anomalous);
    }

    [Fact]
    public void Evaluate_BusyCampaignSpikes_SpikeStillDetectedWhereNaivePoissonWouldUnderflow()
    {
        // 400 visits a minute: the Poisson means exceed 745, where exp(-λ) underflows to zero.
        var series = Series(150, 3, (_, b) => b with { Visits = 250, VisitsBySource = new Dictionary<string, int> { ["direct"] = 250 } }, visits: 67);

        Assert.True(Get(series, DetectorKinds.TrafficSpike).Anomalous);
        Assert.DoesNotContain(Detectors.Evaluate(Series(150, 0, (_, b) => b, visits: 67), DetectorSettings.Default), s => s.Anomalous);
    }
}

[Layer(TestLayer.Unit)]
public class AlertEngineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static Signal S(bool anomalous, string scope = "campaign") => new(DetectorKinds.TrafficDrop, scope, anomalous, AlertSeverity.Warning, "m", 0, 0, 0);

    [Fact]
    public void Apply_AnomalyPersistsThenRecovers_OpensOnceResolvesAfterRecoveryThenCoolsDown()
    {
        var engine = new AlertEngine(DetectorSettings.Default with { Persistence = 2, RecoveryMinutes = 3, CooldownMinutes = 10 });
        var kinds = new List<string>();
        var t = T0;
        void Step(bool anomalous)
        {
            kinds.AddRange(engine.Apply([S(anomalous)], t).Select(x => x.Kind));
            t += TimeSpan.FromSeconds(10);
        }

        Step(true);                                   // first anomalous reading: not yet
        Assert.Empty(kinds);
        Step(true);                                   // second in a row: opens
        for (var i = 0; i < 10; i++) Step(true);      // still anomalous: updates, never a second alert
        for (var i = 0; i < 18; i++) Step(false);     // back in range, but not for 3 minutes yet
        Assert.DoesNotContain("resolved", kinds);
        Step(false);                                  // 3 minutes in range: resolves
        Step(true); Step(true);                       // within the cooldown: stays quiet
        for (var i = 0; i < 60; i++) Step(false);     // 10 minutes later
        Step(true); Step(true);                       // opens again

        Assert.Equal(2, kinds.Count(k => k == "opened"));
        Assert.Equal(1, kinds.Count(k => k == "resolved"));
        Assert.Equal(10, kinds.Count(k => k == "updated"));
    }

    [Fact]
    public void Sync_AlertResolvedByHandWhileProblemContinues_CoolsDownThenOpensAgain()
    {
        var engine = new AlertEngine(DetectorSettings.Default with { Persistence = 2, CooldownMinutes = 10 });
        var t = T0;
        engine.Apply([S(true)], t);
        Assert.Contains(engine.Apply([S(true)], t += TimeSpan.FromSeconds(10)), x => x.Kind == "opened");

        engine.Sync([], t);                                      // resolved by hand in storage
        var during = new List<AlertTransition>();
        for (var i = 0; i < 30; i++) during.AddRange(engine.Apply([S(true)], t += TimeSpan.FromSeconds(10)));
        var after = new List<AlertTransition>();
        for (var i = 0; i < 40; i++) after.AddRange(engine.Apply([S(true)], t += TimeSpan.FromSeconds(10)));

        Assert.Empty(during);
        Assert.Single(after, x => x.Kind == "opened");
    }

    [Fact]
    public void Apply_StreakInterruptedByAGap_NeedsTheFullPersistenceAgain()
    {
        var engine = new AlertEngine(DetectorSettings.Default with { Persistence = 2 });

        engine.Apply([S(true)], T0);
        engine.Apply([], T0.AddSeconds(10));                      // the detector had nothing to say (e.g. too little traffic)
        var transitions = engine.Apply([S(true)], T0.AddSeconds(20));

        Assert.Empty(transitions);
    }

    [Fact]
    public void Apply_RestoredOpenAlert_IsNotOpenedAgain()
    {
        var engine = new AlertEngine(DetectorSettings.Default);
        engine.Restore(DetectorKinds.TrafficDrop, "campaign");

        var transitions = engine.Apply([S(true)], T0).Concat(engine.Apply([S(true)], T0.AddSeconds(10))).ToList();

        Assert.DoesNotContain(transitions, x => x.Kind == "opened");
    }
}

[Layer(TestLayer.Unit)]
public class ScenarioSuiteTests
{
    [Fact]
    public void Run_LabelledScenarios_MeetRecallDelayAndFalseAlertTargets()
    {
        var report = ScenarioSuite.Run(seeds: 2, normalHours: 24);
        var table = report.ToTable() + string.Join("\n", report.FalseAlertSamples);
        double P50(string scenario) => report.Scenarios.Single(s => s.Detector == scenario).DelayP50Seconds ?? double.MaxValue;

        // Every incident, at every onset (T+5 min, T+30 min, T+2.5 h), found within 20 minutes
        Assert.Equal(18, report.Scenarios.Count);
        Assert.All(report.Scenarios, s => Assert.True(s.Recall >= 0.95, $"{s.Detector}: recall {s.Recall:0.00}\n{table}"));
        // At most one false alert per 24 h on every incident-free scenario, the launch hour included
        Assert.All(report.FalseAlertsByScenario, f => Assert.True(f.Per24h <= 1, $"{f.Scenario}: {f.Per24h:0.00} per 24 h\n{table}"));
        // The one-minute targets where the information exists at 60 visitors/min (docs/alerts.md: the others'
        // limits), with the two-seed run's slack
        Assert.True(P50("traffic collapse") <= 45, table);
        Assert.True(P50("viral spike from one network") <= 45, table);
        Assert.True(P50("checkout outage") <= 300, table);
        Assert.True(P50("payment failures spike") <= 420, table);
    }
}

[Layer(TestLayer.Unit)]
public class SequentialTestTests
{
    [Fact]
    public void Count_VisitsCollapseToAFifth_CrossesTheThresholdWithinFourBuckets()
    {
        // Arrange: ten visits per bucket for a minute, then two
        double Visits(int i) => i < 6 ? 10 : 2;
        var settings = DetectorSettings.Default;
        var threshold = settings.Threshold(Cusum.CountInformation(10, 3));

        // Act
        var before = Cusum.Count(0, 6, Visits, 10, 3);
        var after = Cusum.Count(0, 10, Visits, 10, 3);

        // Assert
        Assert.Equal(0, before.Statistic);
        Assert.True(after.Statistic >= threshold, $"{after.Statistic:0.0} < {threshold:0.0}");
        Assert.Equal(6, after.RunStart);
    }

    [Fact]
    public void Rate_NormalOutcomes_EvidenceNeverAccumulates()
    {
        // Arrange: two checkouts a bucket, 80 % of them complete, as normal (8 pledges every 5 buckets)
        var state = Cusum.Rate(0, 600, i => i % 5 is 2 or 4 ? 1 : 2, _ => 2, 0.8, 0.48);

        // Assert
        Assert.True(state.Statistic < 3, $"{state.Statistic}");
    }

    [Fact]
    public void Threshold_BusierCampaign_NeedsMoreEvidenceForTheSameFalseAlertRate()
    {
        var settings = DetectorSettings.Default;

        Assert.True(settings.Threshold(5) > settings.Threshold(0.05));
        Assert.True(DetectorSettings.Calm.Threshold(1) > settings.Threshold(1));
        Assert.True(DetectorSettings.Sensitive.Threshold(1) < settings.Threshold(1));
    }
}

[Layer(TestLayer.Unit)]
public class LaunchPriorTests
{
    private static IEnumerable<CampaignRateCounts> Campaigns(params double[] rates) =>
        rates.Select(r => new CampaignRateCounts(Guid.NewGuid(), 0, FunnelRate.CheckoutConversion.Name, (long)(r * 1000), 1000));

    [Fact]
    public void For_AlikeCampaigns_CappedSoACampaignsOwnMinutesOutweighIt()
    {
        var prior = new LaunchPrior(Campaigns(0.80, 0.80, 0.81, 0.79, 0.80, 0.80)).For(FunnelRate.CheckoutConversion, 0, Guid.Empty)!;

        Assert.Equal(LaunchPrior.MaxWeight, prior.Weight, 3);
        Assert.Equal(0.80, prior.Mean, 2);
    }

    [Fact]
    public void For_DifferentCampaigns_WeighsLittle()
    {
        var prior = new LaunchPrior(Campaigns(0.3, 0.9, 0.5, 0.7, 0.4, 0.8)).For(FunnelRate.CheckoutConversion, 0, Guid.Empty)!;

        Assert.True(prior.Weight < 10, $"{prior.Weight}");
    }

    [Fact]
    public void For_TooFewCampaignsOnceTheCampaignItselfIsLeftOut_Null()
    {
        var counts = Campaigns(0.8, 0.8, 0.8, 0.8, 0.8).ToList();
        var prior = new LaunchPrior(counts);

        Assert.NotNull(prior.For(FunnelRate.CheckoutConversion, 0, Guid.Empty));
        Assert.Null(prior.For(FunnelRate.CheckoutConversion, 0, counts[0].CampaignId));
        Assert.Null(prior.For(FunnelRate.FailureShare, 0, Guid.Empty));
    }
}
