using Crowdstart.Dashboard.Components.Controls;
using Crowdstart.Dashboard.Model;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Query;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard.Model;

/// <summary>How a query's answer reads: cells, sorting, CSV, and the chart chosen from its shape.</summary>
[Layer(TestLayer.Unit)]
public class ExplorerResultViewTests
{
    private static readonly Guid Campaign = Guid.NewGuid();

    private static ExplorerResultView View(IReadOnlyList<ResultColumn> columns, IReadOnlyList<object?[]> rows, string? currency = "EUR") =>
        new(new ExploreResult(columns, rows, false, TimeSpan.FromMilliseconds(12)), new Dictionary<Guid, string> { [Campaign] = "Aurora, the lamp" }, currency,
            new DashboardFormatter());

    [Fact]
    public void Cell_EachKindOfValue_ReadsForPeople()
    {
        var view = View(
            [new("campaign", false, false), new("hour", false, true), new("hours_since_launch", false, true), new("type", false, false), new("sum_amount", true, false),
             new("count", true, false), new("p50_amount", true, false), new("property:reward", false, false)],
            [[Campaign, new DateTime(2026, 11, 26, 14, 0, 0, DateTimeKind.Utc), 3, "pledge_completed", 1234.5m, 12345L, 39.5, null]]);
        var row = view.Rows[0];

        Assert.Equal(["Aurora, the lamp", "2026-11-26 14:00", "T+3 h", "Pledge", "€1,234.50", "12,345", "€39.50", "(none)"],
            Enumerable.Range(0, 8).Select(i => view.Cell(row, i)));
        Assert.Equal("Amount (EUR)", view.Columns[4].Header);
        Assert.Equal("reward", view.Columns[7].Header);
    }

    [Fact]
    public void Cell_MixedCurrencies_PlainNumbers()
    {
        var view = View([new("sum_amount", true, false)], [[10m]], currency: null);

        Assert.Equal("10.00", view.Cell(view.Rows[0], 0));
    }

    [Fact]
    public void Sorted_ByMeasure_NumbersInOrderNullsLast()
    {
        var view = View([new("source", false, false), new("avg_amount", true, false)], [["a", 5m], ["b", null], ["c", 40m], ["d", 7m]]);

        Assert.Equal(["c", "d", "a", "b"], view.Sorted(1, descending: true).Select(r => (string)r[0]!));
        Assert.Equal(["a", "d", "c", "b"], view.Sorted(1, descending: false).Select(r => (string)r[0]!));
    }

    [Fact]
    public void ToCsv_HeadersInWords_QuotesEscapesAndDefusesFormulas()
    {
        var view = View([new("campaign", false, false), new("day", false, true), new("property:utm_campaign", false, false), new("sum_amount", true, false), new("p50_amount", true, false)],
        [
            [Campaign, new DateTime(2026, 11, 26, 0, 0, 0, DateTimeKind.Utc), "=HYPERLINK(\"http://x\")", -12.5m, 0.1],
            [Campaign, new DateTime(2026, 11, 27, 0, 0, 0, DateTimeKind.Utc), null, 3m, null],
        ]);

        var lines = view.ToCsv().Split("\r\n");

        Assert.Equal("Campaign,Day (UTC),utm_campaign,Amount (EUR),Median amount", lines[0]);
        Assert.Equal("\"Aurora, the lamp\",2026-11-26T00:00:00Z,\"'=HYPERLINK(\"\"http://x\"\")\",-12.5,0.1", lines[1]);
        Assert.Equal("\"Aurora, the lamp\",2026-11-27T00:00:00Z,,3,", lines[2]);
        Assert.Equal("", lines[3]);
    }

    [Fact]
    public void Chart_TimeDimension_LinePerOtherDimensionLargestFirst()
    {
        var t0 = new DateTime(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc);
        var rows = new List<object?[]>();
        for (var s = 0; s < 10; s++)
        {
            rows.Add([t0, $"src{s}", (long)(s + 1)]);
            rows.Add([t0.AddHours(1), $"src{s}", (long)(s + 1) * 2]);
        }
        var view = View([new("hour", false, true), new("source", false, false), new("count", true, false)], rows);

        var chart = view.Chart(2);

        Assert.Equal(ExplorerChartKind.Line, chart.Kind);
        Assert.Equal(ExplorerResultView.MaxLines, chart.Series.Count);
        var largest = Assert.IsType<ChartSeries>(chart.Series[0]);
        Assert.Equal("Src9", largest.Name); // source labels as people read them
        Assert.Equal([new DateTimeOffset(t0).ToUnixTimeMilliseconds(), 10.0], largest.Data[0]);
        Assert.Contains("8 largest of 10", chart.Note);
    }

    [Fact]
    public void Chart_CategoriesOnly_BarsInTableOrder()
    {
        var view = View([new("network", false, false), new("property:reward", false, false), new("count", true, false)],
            [["reddit", "early_bird", 3L], ["twitter", null, 1L]]);

        var chart = view.Chart(2);

        Assert.Equal(ExplorerChartKind.Bar, chart.Kind);
        var bars = Assert.IsType<BarSeries>(Assert.Single(chart.Series));
        Assert.Equal([3.0, 1.0], bars.Data);
        Assert.Contains("by Network and reward", chart.AriaLabel);
        // Sorted in the table: the bars follow that order.
        var sorted = Assert.IsType<BarSeries>(Assert.Single(view.Chart(2, [.. view.Sorted(2, descending: false)]).Series));
        Assert.Equal([1.0, 3.0], sorted.Data);
    }

    [Fact]
    public void Chart_NoDimensions_NoChart()
    {
        var view = View([new("count", true, false)], [[42L]]);

        Assert.Equal(ExplorerChartKind.None, view.Chart(0).Kind);
    }
}
