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
    public void Evaluate_WithinLearningPeriodAfterLaunch_StaysSilent()
    {
        // Long enough a series, but the campaign launched inside it: its baseline would include pre-launch silence.
        var collapsed = Series(150, 3, (_, b) => b with { Visits = 0, VisitsBySource = new Dictionary<string, int>() });
        var launchedLate = new CampaignSeries([.. Enumerable.Range(0, collapsed.Count).Select(i => collapsed[i])], Launch.AddMinutes(100));

        Assert.Contains(Detectors.Evaluate(collapsed, DetectorSettings.Default), s => s.Anomalous);
        Assert.Empty(Detectors.Evaluate(launchedLate, DetectorSettings.Default));
    }

    [Fact]
    public void Evaluate_BacklogOfPledgesWhoseVisitsCameEarlier_VisitConversionCountsEveryPledgeAsAShare()
    {
        // Arrange: for 20 minutes a backlog brings three times as many pledges as visits
        var series = Series(150, 20, (_, b) => b with { Visits = 2, Pledges = 6, Checkouts = 6 });

        // Act
        var signal = Get(series, DetectorKinds.VisitConversionDrop);

        // Assert: each pledge beyond the window's visits is its own visit: 36 of 36 in the last minute, not 12 of 12
        Assert.False(signal.Anomalous);
        Assert.InRange(signal.Value, 0, 1);
        Assert.Contains("fell to 100 % over the last 1 min (36 of 36;", signal.Message);
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
    public void Evaluate_PledgesStopWhileVisitsContinue_RevenueStallAndVisitConversionDrop()
    {
        var series = Series(150, 10, (_, b) => b with { Pledges = 0, Checkouts = 0 });

        Assert.True(Get(series, DetectorKinds.RevenueStall).Anomalous);
        Assert.Contains("Pledges stalled: 0 in the last 10 min", Get(series, DetectorKinds.RevenueStall).Message);
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
    public void Run_LabelledScenarios_MeetRecallAndFalseAlertTargets()
    {
        var report = ScenarioSuite.Run(seeds: 2, normalHours: 24);

        Assert.NotEmpty(report.Scenarios);
        Assert.All(report.Scenarios, s => Assert.True(s.Recall >= 0.95, $"{s.Detector}: recall {s.Recall:0.00}\n{report.ToTable()}"));
        Assert.True(report.FalseAlertsPer24h <= 1, report.ToTable() + string.Join("\n", report.FalseAlertSamples));
        Assert.Contains(report.Scenarios, s => s.Detector == "viral spike from one network");
    }
}
