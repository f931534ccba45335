namespace Crowdstart.Pipeline.Recommendations;

/// <summary>
/// One recommendation rule: a pure function of the campaign's figures that returns its recommendation, or null when
/// the evidence is not there (too little volume, a difference within noise, or nothing unusual).
/// </summary>
public interface IRecommendationRule
{
    /// <summary>The rule's key (<see cref="RecommendationRules"/>).</summary>
    string Key { get; }

    Recommendation? Evaluate(RecommendationInputs inputs);
}
