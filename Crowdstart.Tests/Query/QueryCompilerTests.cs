using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Privacy;
using Crowdstart.Pipeline.Query;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Query;

/// <summary>The query compiler on its own: what SQL it builds, and how it refuses what it cannot build.</summary>
[Layer(TestLayer.Unit)]
public class QueryCompilerTests
{
    private readonly QueryCompiler _compiler = new(new PrivacyOptions());
    private static readonly Guid Campaign = Guid.NewGuid();

    private static ExploreQuery Query(Func<ExploreQuery, ExploreQuery>? with = null)
    {
        var query = new ExploreQuery { Campaigns = [Campaign] };
        return with is null ? query : with(query);
    }

    private IReadOnlyList<FieldError> Errors(ExploreQuery query) =>
        Assert.Throws<QueryValidationException>(() => _compiler.Compile(query)).Errors;

    [Fact]
    public void Compile_TypicalQuestion_GroupsFiltersAndMeasuresWithEveryValueBound()
    {
        var compiled = _compiler.Compile(Query(q => q with
        {
            Time = new QueryTime(FromHoursSinceLaunch: 0, ToHoursSinceLaunch: 1),
            Types = ["pledge_completed"],
            Filters = [new("source", "in", ["social:reddit", "social:twitter"]), new("amount", "between", ["10", "500.5"])],
            GroupBy = ["source", "property:reward"],
            Measures = ["count", "sum_amount", "p50_amount"],
            Sort = new QuerySort("count", Descending: true),
            Limit = 50,
        }));

        Assert.Equal(["source", "property:reward", "count", "sum_amount", "p50_amount"], compiled.Columns.Select(c => c.Name));
        Assert.Contains("JOIN campaigns c", compiled.Sql);
        Assert.Contains("GROUP BY 1, 2", compiled.Sql);
        Assert.Contains("ORDER BY 3 DESC", compiled.Sql);
        Assert.DoesNotContain("reddit", compiled.Sql);
        Assert.DoesNotContain("reward", compiled.Sql);
        Assert.DoesNotContain("500.5", compiled.Sql);
        var values = compiled.Parameters.Select(p => p.Value).ToList();
        Assert.Contains(values, v => v is string[] s && s.SequenceEqual(["social:reddit", "social:twitter"]));
        Assert.Contains(values, v => v is string s && s == "reward");
        Assert.Contains(values, v => v is decimal d && d == 500.5m);
        Assert.Contains(values, v => v is int n && n == 51);
        Assert.False(compiled.ReadsCustomers);
    }

    [Fact]
    public void Compile_KnownLaunches_AbsoluteBoundsPerCampaignAndNoJoin()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var launchA = new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);
        var launchB = new DateTimeOffset(2026, 11, 5, 18, 30, 0, TimeSpan.Zero);

        var compiled = _compiler.Compile(new ExploreQuery
        {
            Campaigns = [a, b],
            Time = new QueryTime(FromHoursSinceLaunch: 0, ToHoursSinceLaunch: 2),
            GroupBy = ["hours_since_launch"],
        }, new Dictionary<Guid, DateTimeOffset> { [a] = launchA, [b] = launchB });

        Assert.DoesNotContain("JOIN campaigns", compiled.Sql);
        Assert.Contains("CASE e.campaign_id WHEN @", compiled.Sql);
        Assert.Contains("(e.campaign_id = @", compiled.Sql);
        Assert.Contains(" OR ", compiled.Sql);
        var times = compiled.Parameters.Select(p => p.Value).OfType<DateTimeOffset>().ToList();
        Assert.Contains(launchA, times);
        Assert.Contains(launchA.AddHours(2), times);
        Assert.Contains(launchB.AddHours(2), times);
        // No type chosen: every type is listed, so the explorer index can seek each one.
        Assert.Contains(compiled.Parameters, p => p.Value is string[] types && types.Length == Crowdstart.Pipeline.Events.EventTypes.All.Count);
    }

    [Theory]
    [InlineData("eq", new[] { "x" }, "= @")]
    [InlineData("in", new[] { "x", "y" }, "= ANY(@")]
    [InlineData("not", new[] { "x" }, "IS NULL OR NOT")]
    [InlineData("contains", new[] { "x" }, "strpos(lower(")]
    [InlineData("exists", new string[0], "IS NOT NULL")]
    [InlineData("missing", new string[0], "IS NULL")]
    public void Compile_EveryTextOperator_HasItsCondition(string op, string[] values, string expected)
    {
        var compiled = _compiler.Compile(Query(q => q with { Filters = [new("property:reward", op, values)] }));

        Assert.Contains(expected, compiled.Sql);
    }

    [Theory]
    [InlineData("gt", new[] { "1" }, "e.amount > @")]
    [InlineData("gte", new[] { "1" }, "e.amount >= @")]
    [InlineData("lt", new[] { "1" }, "e.amount < @")]
    [InlineData("lte", new[] { "1" }, "e.amount <= @")]
    [InlineData("between", new[] { "1", "2" }, "e.amount >= @")]
    [InlineData("eq", new[] { "1.5" }, "e.amount = @")]
    public void Compile_EveryNumericOperator_HasItsCondition(string op, string[] values, string expected)
    {
        var compiled = _compiler.Compile(Query(q => q with { Filters = [new("amount", op, values)] }));

        Assert.Contains(expected, compiled.Sql);
    }

    [Theory]
    [InlineData("campaign")]
    [InlineData("type")]
    [InlineData("source")]
    [InlineData("source_kind")]
    [InlineData("network")]
    [InlineData("currency")]
    [InlineData("minute")]
    [InlineData("hour")]
    [InlineData("day")]
    [InlineData("hours_since_launch")]
    [InlineData("customer")]
    [InlineData("property:reward")]
    public void Compile_EveryDimension_IsSelectedAndGrouped(string dimension)
    {
        var compiled = _compiler.Compile(Query(q => q with { GroupBy = [dimension] }));

        Assert.Contains(" AS d0", compiled.Sql);
        Assert.Contains("GROUP BY 1", compiled.Sql);
        Assert.Equal(dimension == "customer", compiled.ReadsCustomers);
    }

    [Theory]
    [InlineData("count")]
    [InlineData("unique_customers")]
    [InlineData("sum_amount")]
    [InlineData("avg_amount")]
    [InlineData("min_amount")]
    [InlineData("max_amount")]
    [InlineData("p50_amount")]
    [InlineData("p90_amount")]
    public void Compile_EveryMeasure_IsSelected(string measure)
    {
        var compiled = _compiler.Compile(Query(q => q with { Measures = [measure] }));

        Assert.Contains(" AS m0", compiled.Sql);
        Assert.True(compiled.Columns[0].IsMeasure);
    }

    [Fact]
    public void Compile_CustomerFilter_ReadsCustomers()
    {
        Assert.True(_compiler.Compile(Query(q => q with { Filters = [new("customer", "eq", ["c-1"])] })).ReadsCustomers);
    }

    [Fact]
    public void Compile_BadQuery_ListsEveryProblemWithItsField()
    {
        var errors = Errors(new ExploreQuery
        {
            Campaigns = [],
            Time = new QueryTime(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(-1)),
            Types = ["pledge"],
            Filters = [new("email", "eq", ["x"]), new("source", "gt", ["1"]), new("amount", "between", ["1"]), new("amount", "eq", ["ten"]), new("property:email", "exists"), new("source", "like", ["x"])],
            GroupBy = ["amount", "weekday"],
            Measures = ["median"],
            Sort = new QuerySort("revenue"),
            Limit = 0,
        });

        var fields = errors.Select(e => e.Field).ToList();
        Assert.Equal(["campaigns", "time.to", "types[0]", "filters[0].field", "filters[1].op", "filters[2].values", "filters[3].values[0]",
            "filters[4].field", "filters[5].op", "groupBy[0]", "groupBy[1]", "measures[0]", "sort.by", "limit"], fields);
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Reason)));
        Assert.Contains("allowlisted", errors.Single(e => e.Field == "filters[4].field").Reason);
    }

    [Fact]
    public void Compile_InjectionAttemptsInEveryField_AreRefusedOrBoundNeverSpliced()
    {
        const string attack = "x'); DROP TABLE event_log; --";
        var refused = Errors(Query(q => q with
        {
            Types = [attack],
            Filters = [new(attack, "eq", ["1"]), new("property:" + attack, "eq", ["1"]), new("source", attack, ["1"])],
            GroupBy = [attack, "property:" + attack],
            Measures = [attack],
            Sort = new QuerySort(attack),
        }));
        Assert.Equal(8, refused.Count);

        // Values are data: bound as parameters, never part of the text.
        var compiled = _compiler.Compile(Query(q => q with
        {
            Filters = [new("source", "eq", [attack]), new("property:reward", "in", [attack, "'; --"]), new("source", "contains", ["%_" + attack])],
        }));
        Assert.DoesNotContain("DROP", compiled.Sql);
        Assert.DoesNotContain("'; --", compiled.Sql);
        Assert.Contains(compiled.Parameters, p => p.Value is string s && s == attack);
    }

    [Fact]
    public void Compile_TooManyNamesOrLongValues_AreRefused()
    {
        var errors = Errors(Query(q => q with
        {
            Campaigns = [.. Enumerable.Range(0, QueryFields.MaxCampaigns + 1).Select(_ => Guid.NewGuid())],
            Filters = [new("source", "in", [.. Enumerable.Range(0, QueryFields.MaxValues + 1).Select(i => "v" + i)]), new("source", "eq", [new string('x', 201)])],
            GroupBy = ["type", "source", "day", "hour", "currency"],
            Limit = QueryFields.MaxRows + 1,
        }));

        Assert.Equal(["campaigns", "filters[0].values", "filters[1].values", "groupBy", "limit"], errors.Select(e => e.Field));
    }

    [Fact]
    public void Compile_NoSort_TimeDimensionAscendingElseFirstMeasureDescending()
    {
        Assert.Contains("ORDER BY 2 ASC", _compiler.Compile(Query(q => q with { GroupBy = ["type", "hour"] })).Sql);
        Assert.Contains("ORDER BY 2 DESC", _compiler.Compile(Query(q => q with { GroupBy = ["type"] })).Sql);
    }
}
