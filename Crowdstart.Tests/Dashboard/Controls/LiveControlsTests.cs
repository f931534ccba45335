using System.Threading.Channels;
using Bunit;
using Crowdstart.Dashboard.Components.Controls;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard.Controls;

/// <summary>The campaign page's controls on their own: what they show, and how they follow pushed updates.</summary>
[Layer(TestLayer.Component)]
public class LiveControlsTests : IAsyncLifetime
{
    private readonly DashboardTestContext _ctx = new();
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    private static IReadOnlyList<FunnelStepResult> Funnel(params (long Direct, long Reddit)[] steps)
    {
        var types = new[] { "page_view", "reward_view", "cart_created", "checkout_started", "pledge_completed" };
        long first = steps[0].Direct + steps[0].Reddit, previous = 0;
        var result = new List<FunnelStepResult>();
        for (var i = 0; i < steps.Length; i++)
        {
            var total = steps[i].Direct + steps[i].Reddit;
            result.Add(new FunnelStepResult(i + 1, types[i], i == 0 ? null : 1800, total,
                i == 0 || previous == 0 ? null : (double)total / previous, first == 0 ? null : (double)total / first, i == 0 ? 0 : previous - total,
                new Dictionary<string, long> { ["direct"] = steps[i].Direct, ["social:reddit"] = steps[i].Reddit }));
            previous = total;
        }
        return result;
    }

    [Fact]
    public void KpiTile_ValueTrendAndHint_RenderedWithAccessibleSummary()
    {
        var cut = _ctx.Render<KpiTile>(p => p.Add(c => c.Label, "Conversion · 5 min").Add(c => c.Value, "8.2 %")
            .Add(c => c.Trend, "▼ 25 % vs 1 h").Add(c => c.TrendUp, false).Add(c => c.Hint, "1 min 6.7 %").Add(c => c.TestId, "kpi"));

        Assert.Equal("8.2 %", cut.Find("[data-testid=kpi]").TextContent);
        Assert.Contains("cs-trend-down", cut.Find("[data-testid=kpi-trend]").ClassName);
        Assert.Equal("Conversion · 5 min: 8.2 %. ▼ 25 % vs 1 h. 1 min 6.7 %", cut.Find("[role=group]").GetAttribute("aria-label"));
    }

    [Fact]
    public void KpiTile_Definition_InTooltipAndAccessibleDescriptionWithTheComparisonLine()
    {
        var definition = Crowdstart.Dashboard.Model.MetricDefinitions.CheckoutFailures;

        var cut = _ctx.Render<KpiTile>(p => p.Add(c => c.Label, definition.Name).Add(c => c.Definition, definition.Definition).Add(c => c.Value, "25 %")
            .Add(c => c.Trend, "▲ 15 pp").Add(c => c.TrendUp, false).Add(c => c.Comparison, "vs previous 5 min (10 %)").Add(c => c.TestId, "kpi"));

        Assert.Equal(definition.Definition, cut.FindComponent<MudBlazor.MudTooltip>().Instance.Text);
        Assert.Equal(definition.Definition, cut.Find("[role=group]").GetAttribute("aria-description"));
        Assert.Equal("0", cut.Find("[role=group]").GetAttribute("tabindex"));
        Assert.Equal("vs previous 5 min (10 %)", cut.Find("[data-testid=kpi-comparison]").TextContent);
        Assert.Equal("Checkout failures · 5 min: 25 %. ▲ 15 pp. vs previous 5 min (10 %)", cut.Find("[role=group]").GetAttribute("aria-label"));
    }

    [Fact]
    public void FunnelChart_CheckoutThenPledge_NamesCheckoutToPledgeConversionApartFromVisits()
    {
        var cut = _ctx.Render<FunnelChart>(p => p.Add(c => c.Steps, Funnel((100, 0), (50, 0), (20, 0), (10, 0), (4, 0))));

        var line = cut.Find("[data-testid=funnel-checkout-conversion]").TextContent;

        Assert.Contains("Checkout → pledge conversion: 40 %", line);
        Assert.Contains("4 of 10 customers who started a checkout", line);
    }

    [Fact]
    public void KpiTile_NoValueYet_ShowsSkeletonNotZero()
    {
        var cut = _ctx.Render<KpiTile>(p => p.Add(c => c.Label, "Revenue").Add(c => c.TestId, "kpi"));

        Assert.Empty(cut.FindAll("[data-testid=kpi]"));
        Assert.NotEmpty(cut.FindAll(".mud-skeleton"));
        Assert.Equal("Revenue: loading", cut.Find("[role=group]").GetAttribute("aria-label"));
    }

    [Fact]
    public async Task FunnelChart_SnapshotsPushedThroughAChannel_ChartCreatedOnceAndUpdatedInPlace()
    {
        // Arrange: a producer pushes funnel snapshots the way the live source does
        var channel = Channel.CreateUnbounded<IReadOnlyList<FunnelStepResult>>();
        var cut = _ctx.Render<FunnelChart>(p => p.Add(c => c.Steps, Funnel((10, 0), (5, 0), (2, 0), (1, 0), (1, 0))));
        cut.WaitForAssertion(() => _ctx.Charts.VerifyInvoke("create"));
        channel.Writer.TryWrite(Funnel((20, 10), (9, 6), (4, 3), (3, 2), (2, 2)));
        channel.Writer.TryWrite(Funnel((30, 20), (12, 10), (6, 5), (4, 4), (3, 3)));
        channel.Writer.Complete();

        // Act: the consumer hands each snapshot to the control
        await foreach (var steps in channel.Reader.ReadAllAsync())
        {
            cut.Render(p => p.Add(c => c.Steps, steps));
        }

        // Assert: the table shows the newest figures, the chart was never re-created
        cut.WaitForAssertion(() => Assert.Equal(2, _ctx.Charts.Invocations["updateSeries"].Count));
        _ctx.Charts.VerifyInvoke("create", calledTimes: 1);
        var rows = cut.FindAll("[data-testid=funnel-step]");
        Assert.Equal(5, rows.Count);
        Assert.Equal("50", rows[0].QuerySelector("[data-testid=funnel-step-customers]")!.TextContent);
        Assert.Equal("44 %", rows[1].QuerySelector("[data-testid=funnel-step-conversion]")!.TextContent);
        Assert.Contains("Dropped", cut.Markup);
        var series = (IReadOnlyList<object>)_ctx.Charts.Invocations["updateSeries"][^1].Arguments[1]!;
        Assert.Equal([50.0, 22, 11, 8, 6], Assert.IsType<BarSeries>(Assert.Single(series)).Data);
    }

    [Fact]
    public void FunnelChart_BySourceSwitched_OneStackPerSource()
    {
        var cut = _ctx.Render<FunnelChart>(p => p.Add(c => c.Steps, Funnel((30, 20), (12, 10), (6, 5), (4, 4), (3, 3))));

        cut.InvokeAsync(() => cut.FindComponent<MudBlazor.MudSwitch<bool>>().Instance.ValueChanged.InvokeAsync(true));

        var series = cut.Instance.DrawnSeries;
        Assert.Equal(["Direct", "Reddit (social)"], series.Select(s => s.Name));
        Assert.Equal([30.0, 12, 6, 4, 3], series[0].Data);
        Assert.Equal([20.0, 10, 5, 4, 3], series[1].Data);
    }

    [Fact]
    public void FunnelChart_NoVisitors_ShowsEmptyState()
    {
        var cut = _ctx.Render<FunnelChart>(p => p.Add(c => c.Steps, Funnel((0, 0), (0, 0))));

        Assert.Contains("No visitors yet", cut.Find("[data-testid=funnel-empty]").TextContent);
    }

    [Fact]
    public void CohortGrid_Cohorts_ShowsSharesAndLeavesTheFutureBlank()
    {
        var returns = new long[24];
        returns[0] = 5;
        returns[2] = 20;
        var rows = new List<CohortRow>
        {
            new(Now.AddHours(-3), 100, 25, returns),
            new(Now.AddHours(-1), 40, 4, [4, .. new long[23]]),
        };

        var cut = _ctx.Render<CohortGrid>(p => p.Add(c => c.Rows, rows).Add(c => c.Now, Now));

        var rendered = cut.FindAll("[data-testid=cohort-row]");
        Assert.Equal(2, rendered.Count);
        // Newest first.
        Assert.Equal("40", rendered[0].QuerySelector("[data-testid=cohort-size]")!.TextContent);
        Assert.Equal("25 %", rendered[1].QuerySelector("[data-testid=cohort-return]")!.TextContent);
        var older = rendered[1].QuerySelectorAll("td").Skip(2).ToList();
        Assert.Equal("5", older[0].TextContent);
        Assert.Equal("20", older[2].TextContent);
        Assert.Equal("+2 h: 20 of 100 returned (20 %)", older[2].GetAttribute("title"));
        // The cohort of an hour ago has no +2 h yet.
        Assert.Equal("+2 h: not yet", rendered[0].QuerySelectorAll("td").Skip(2).ElementAt(2).GetAttribute("title"));
    }

    [Fact]
    public void CohortGrid_NoCohorts_ShowsEmptyState()
    {
        var cut = _ctx.Render<CohortGrid>(p => p.Add(c => c.Rows, []).Add(c => c.Now, Now));

        Assert.NotNull(cut.Find("[data-testid=cohort-empty]"));
    }

    [Fact]
    public void EventFeed_AggregateRows_ShowTypeSourceAmountAndAgeWithoutCustomers()
    {
        var events = new List<FeedEvent>
        {
            new(Guid.NewGuid(), Now.AddSeconds(-5), Now, "pledge_completed", "social:reddit", 120m, "EUR"),
            new(Guid.NewGuid(), Now.AddMinutes(-3), Now, "pledge_refunded", "direct", 35.5m, "EUR"),
            new(Guid.NewGuid(), Now.AddMinutes(-4), Now, "page_view", "search", null, null),
        };

        var cut = _ctx.Render<EventFeed>(p => p.Add(c => c.Events, events).Add(c => c.Currency, "EUR").Add(c => c.Now, Now));

        var rows = cut.FindAll("[data-testid=feed-row]");
        Assert.Equal(3, rows.Count);
        Assert.Contains("Pledge", rows[0].TextContent);
        Assert.Contains("Reddit (social)", rows[0].TextContent);
        Assert.Contains("5 s ago", rows[0].TextContent);
        Assert.Equal("€120", rows[0].QuerySelector("[data-testid=feed-amount]")!.TextContent);
        Assert.Equal("−€35.50", rows[1].QuerySelector("[data-testid=feed-amount]")!.TextContent);
        Assert.Equal("", rows[2].QuerySelector("[data-testid=feed-amount]")!.TextContent);
        Assert.Empty(cut.FindAll("[data-testid=feed-customer]"));
    }

    [Fact]
    public void EventFeed_RowsWithCustomerIds_LinkToTheDrillDown()
    {
        var campaign = Guid.NewGuid();
        var events = new List<FeedEvent> { new(Guid.NewGuid(), Now, Now, "page_view", "direct", null, null, "cust:42") };

        var cut = _ctx.Render<EventFeed>(p => p.Add(c => c.Events, events).Add(c => c.Currency, "EUR").Add(c => c.Now, Now).Add(c => c.CampaignId, campaign));

        var link = cut.Find("[data-testid=feed-customer]");
        Assert.Equal("cust:42", link.TextContent);
        Assert.Equal($"/campaigns/{campaign}/customers/cust%3A42", link.GetAttribute("href"));
    }

    [Fact]
    public void EventFeed_Empty_ShowsEmptyState()
    {
        var cut = _ctx.Render<EventFeed>(p => p.Add(c => c.Events, []).Add(c => c.Currency, "EUR").Add(c => c.Now, Now));

        Assert.NotNull(cut.Find("[data-testid=feed-empty]"));
    }

    [Fact]
    public void SourcesBreakdown_Funnel_ListsSourcesByVisitorsWithTheirConversion()
    {
        var cut = _ctx.Render<SourcesBreakdown>(p => p.Add(c => c.Funnel, Funnel((30, 50), (12, 10), (6, 5), (4, 4), (3, 10))));

        var rows = cut.FindAll("[data-testid=source-row]");
        Assert.Equal(["Reddit", "Direct"], rows.Select(r => r.QuerySelector("[data-testid=source-name]")!.TextContent));
        Assert.Contains("20 %", rows[0].TextContent);
        Assert.Contains("10 %", rows[1].TextContent);
    }
}
