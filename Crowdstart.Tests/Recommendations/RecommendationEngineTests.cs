using Crowdstart.Pipeline.Recommendations;
using Crowdstart.Tests.Infrastructure;
using static Crowdstart.Tests.Recommendations.RecommendationScenario;

namespace Crowdstart.Tests.Recommendations;

/// <summary>Ranking (most valuable first, at most three), the dismissal rule, and the statistics behind the rules.</summary>
[Layer(TestLayer.Unit)]
public class RecommendationEngineTests
{
    /// <summary>Every rule's scenario at once.</summary>
    private static RecommendationInputs EverythingWrong() => Build(
        [("direct", 1_000, 50), ("social:reddit", 500, 59), ("search", 400, 20)], (300, 200),
        [new("desktop", 200, 8), new("mobile", 150, 45), new("tablet", 40, 1)],
        [new("early-bird", 300, 30, 1_500m), new("standard", 400, 36, 2_700m), new("deluxe", 300, 3, 450m)],
        Projection(3_000m, 0.3, 7_000m), 3_000m, 200m);

    [Fact]
    public void Rank_AllRulesFire_ThreeMostValuableInOrder()
    {
        // Arrange
        var all = RecommendationEngine.Evaluate(EverythingWrong());

        // Act
        var shown = RecommendationEngine.Rank(all, []);

        // Assert
        Assert.Equal(5, all.Count);
        Assert.Equal(RecommendationEngine.MaxShown, shown.Count);
        Assert.Equal(all.OrderByDescending(r => r.ExpectedValue).Take(3).Select(r => r.RuleKey), shown.Select(r => r.RuleKey));
        Assert.True(shown[0].ExpectedValue >= shown[1].ExpectedValue && shown[1].ExpectedValue >= shown[2].ExpectedValue);
    }

    [Fact]
    public void Rank_DismissedWithSameEvidence_LeftOutAndNextOneShown()
    {
        // Arrange
        var all = RecommendationEngine.Evaluate(EverythingWrong());
        var top = RecommendationEngine.Rank(all, [])[0];
        var dismissal = new Dismissal(top.RuleKey, top.Evidence.Subject, top.Evidence.Value, Now, "maya");

        // Act
        var shown = RecommendationEngine.Rank(all, [dismissal]);

        // Assert
        Assert.DoesNotContain(shown, r => r.RuleKey == top.RuleKey);
        Assert.Equal(3, shown.Count);
    }

    [Theory]
    [InlineData(0.118, 0.118, true)]
    [InlineData(0.118, 0.140, true)]
    [InlineData(0.118, 0.090, true)]
    [InlineData(0.118, 0.148, false)]
    [InlineData(0.118, 0.088, false)]
    public void StillDismissed_ValueMoves_ComesBackFrom25PercentOfTheDismissedValue(double dismissed, double now, bool hidden)
    {
        // Arrange
        var r = Recommendation("social:reddit", now);
        var d = new Dismissal(r.RuleKey, "social:reddit", dismissed, Now, "maya");

        // Act
        var still = DismissalRule.StillDismissed(d, r);

        // Assert
        Assert.Equal(hidden, still);
    }

    [Fact]
    public void StillDismissed_OtherSubject_ComesBack()
    {
        // Arrange: dismissed for reddit; now it is another source at the same rate.
        var r = Recommendation("social:tiktok", 0.118);
        var d = new Dismissal(r.RuleKey, "social:reddit", 0.118, Now, "maya");

        // Act
        var still = DismissalRule.StillDismissed(d, r);

        // Assert
        Assert.False(still);
    }

    [Fact]
    public void Wilson_KnownValues_MatchTheFormula()
    {
        // Act
        var (low, high) = Proportions.Wilson(59, 500, 1.96);
        var (zeroLow, _) = Proportions.Wilson(0, 10);

        // Assert: 11.8 % of 500 at 95 %: 9.26 %–14.92 %.
        Assert.Equal(0.0926, low, 4);
        Assert.Equal(0.1492, high, 4);
        Assert.Equal(0, zeroLow, 9);
    }

    [Fact]
    public void TwoProportionZ_EqualRates_ZeroAndSignFollowsTheDifference()
    {
        // Act / Assert
        Assert.Equal(0, Proportions.TwoProportionZ(30, 500, 60, 1_000), 6);
        Assert.True(Proportions.TwoProportionZ(59, 500, 70, 1_400) > Proportions.Z);
        Assert.True(Proportions.TwoProportionZ(3, 300, 66, 700) < -Proportions.Z);
    }

    private static Recommendation Recommendation(string subject, double value) => new(RecommendationRules.SourceConversion, "t",
        new RecommendationEvidence("m", subject, value, "", "", "campaign average", 0.06, "", "", ""), "", 100m, "",
        new RecommendationQuery([], [], ["count"], null));
}

/// <summary>Every rule's "Open in explorer" link holds a query the explorer accepts.</summary>
[Layer(TestLayer.Unit)]
public class RecommendationExplorerLinkTests
{
    [Fact]
    public void ExploreQuery_EveryRule_CompilesInTheExplorer()
    {
        // Arrange: every rule's scenario at once, so each rule makes its recommendation.
        var inputs = Build(
            [("direct", 1_000, 50), ("social:reddit", 500, 59), ("search", 400, 20)], (300, 200),
            [new("desktop", 200, 8), new("mobile", 150, 45), new("tablet", 40, 1)],
            [new("early-bird", 300, 30, 1_500m), new("standard", 400, 36, 2_700m), new("deluxe", 300, 3, 450m)],
            Projection(3_000m, 0.3, 7_000m), 3_000m, 200m);
        var compiler = new Crowdstart.Pipeline.Query.QueryCompiler(new Crowdstart.Pipeline.Privacy.PrivacyOptions());

        // Act
        var all = RecommendationEngine.Evaluate(inputs);
        var compiled = all.Select(r => Crowdstart.Dashboard.Model.ExplorerForm.For(Campaign, r.Explore).ToQuery(Now))
            .Select(q => compiler.Compile(q)).ToList();

        // Assert
        Assert.Equal(RecommendationRules.All.Order(), all.Select(r => r.RuleKey).Order());
        Assert.All(compiled, c => Assert.NotEmpty(c.Sql));
    }
}
