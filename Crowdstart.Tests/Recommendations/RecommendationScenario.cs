using Crowdstart.Pipeline.Forecast;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Recommendations;

namespace Crowdstart.Tests.Recommendations;

/// <summary>
/// Rule inputs for a campaign 5 days into a 25-day launch (goal €10,000), as a normal launch looks: sources converting
/// alike, cart abandonment at the platform's median, checkout failures spread over devices, reward tiers converting
/// alike, and a forecast on track. Each scenario changes one thing.
/// </summary>
internal static class RecommendationScenario
{
    public static readonly Guid Campaign = Guid.Parse("5f0d7a0e-8f61-4d0c-9a1e-3b7c2f4e1a01");
    public static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset End = Now.AddDays(20);
    public const decimal Goal = 10_000m;

    /// <summary>Visitors and pledgers by first-visit source: 6 %, 6.4 % and 6 %.</summary>
    public static readonly (string Source, long Visitors, long Pledgers)[] NormalSources =
        [("direct", 1_000, 60), ("social:reddit", 500, 32), ("search", 400, 24)];

    public static readonly DeviceCheckouts[] NormalDevices = [new("desktop", 200, 10), new("mobile", 150, 8), new("tablet", 40, 2)];

    public static readonly RewardInterest[] NormalRewards =
        [new("early-bird", 300, 30, 1_500m), new("standard", 400, 36, 2_700m), new("deluxe", 200, 16, 2_400m)];

    /// <summary>Six similar campaigns (EUR, goals near €10,000) abandoning 38–46 % of carts: median 42 %.</summary>
    public static readonly CartPeer[] Peers =
    [
        new(Guid.NewGuid(), "EUR", 8_000m, 500, 310), new(Guid.NewGuid(), "EUR", 12_000m, 400, 240), new(Guid.NewGuid(), "EUR", 9_000m, 300, 174),
        new(Guid.NewGuid(), "EUR", 15_000m, 1_000, 580), new(Guid.NewGuid(), "EUR", 6_000m, 200, 112), new(Guid.NewGuid(), "EUR", 20_000m, 250, 135),
    ];

    public static RecommendationInputs Normal() => Build(NormalSources, carts: (300, 126), NormalDevices, NormalRewards, OnTrack(), net: 4_200m, recent24h: 900m);

    public static RecommendationInputs Build((string Source, long Visitors, long Pledgers)[] sources, (long Matured, long Abandoned) carts,
        DeviceCheckouts[] devices, RewardInterest[] rewards, CampaignForecast? forecast, decimal net, decimal recent24h, double recentHours = 24,
        IReadOnlyList<CartPeer>? peers = null)
    {
        var visits = sources.ToDictionary(s => s.Source, s => s.Visitors);
        var pledges = sources.ToDictionary(s => s.Source, s => s.Pledgers);
        long visitors = visits.Values.Sum(), pledgers = pledges.Values.Sum();
        var funnel = new List<FunnelStepResult>
        {
            new(1, "page_view", null, visitors, null, 1, 0, visits),
            new(2, "reward_view", 1800, visitors / 2, 0.5, 0.5, visitors - visitors / 2, visits.ToDictionary(kv => kv.Key, kv => kv.Value / 2)),
            new(3, "pledge_completed", 1800, pledgers, (double)pledgers / (visitors / 2), (double)pledgers / visitors, visitors / 2 - pledgers, pledges),
        };
        var pledgeCount = Math.Max(1, pledgers);
        var snapshot = new MetricsSnapshot(Campaign, Now, [], funnel, [], [], [], null,
            new RevenueSummary("EUR", net, 0, Goal, 0, 0, 0, pledgeCount), [],
            new CartCompletionSummary(carts.Matured, carts.Matured - carts.Abandoned, 300, 900, 1800, [], carts.Matured, carts.Abandoned), [], 0, 10_000);
        return new RecommendationInputs(Campaign, "EUR", Goal, End, Now, snapshot, forecast,
            new RecentActivity(devices, rewards, recent24h, recentHours), peers ?? Peers);
    }

    public static CampaignForecast OnTrack() => Projection(4_200m, 0.72, 12_500m);

    public static CampaignForecast Projection(decimal pledged, double probability, decimal projected) => new(Campaign, Now.AddMinutes(-2),
        ForecastBasis.Neighbours, pledged, Goal, projected, projected * 0.7m, projected * 1.4m, probability, null,
        new ForecastInputs(0.2, (double)(pledged / Goal), 0.6, new LiveSignals(1_900, 0.06, 0.2, 0.3), 140, 25, 0.3, 0.45, 2.9, 0.64));
}
