using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crowdstart.Pipeline.Events;

/// <summary>One funnel step: an event type, reached within <see cref="WithinSeconds"/> of the previous step.</summary>
/// <param name="Type">Event type that marks the step.</param>
/// <param name="WithinSeconds">Conversion window from the previous step (ignored for the first step).</param>
public sealed record FunnelStep(string Type, int? WithinSeconds = null);

/// <summary>A campaign's ordered funnel, stored as JSON on the campaign.</summary>
public sealed record FunnelDefinition(IReadOnlyList<FunnelStep> Steps)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>visit → reward view → cart → checkout → pledge, each within 30 minutes of the previous step.</summary>
    public static readonly FunnelDefinition Default = new([
        new(EventTypes.PageView),
        new(EventTypes.RewardView, 1800),
        new(EventTypes.CartCreated, 1800),
        new(EventTypes.CheckoutStarted, 1800),
        new(EventTypes.PledgeCompleted, 1800),
    ]);

    public string ToJson() => JsonSerializer.Serialize(Steps, Json);

    /// <summary>Parses and validates a definition; throws <see cref="ArgumentException"/> naming the problem.</summary>
    public static FunnelDefinition Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return Default;
        }
        var steps = JsonSerializer.Deserialize<List<FunnelStep>>(json, Json) ?? throw new ArgumentException("funnel: must be a JSON array of steps");
        var definition = new FunnelDefinition(steps);
        definition.Validate();
        return definition;
    }

    /// <summary>Checks the steps: 2–10 steps, known distinct types, positive windows after the first.</summary>
    public void Validate()
    {
        if (Steps.Count is < 2 or > 10)
        {
            throw new ArgumentException("funnel: must have between 2 and 10 steps");
        }
        if (Steps.Select(s => s.Type).Distinct().Count() != Steps.Count)
        {
            throw new ArgumentException("funnel: step types must be distinct");
        }
        for (var i = 0; i < Steps.Count; i++)
        {
            if (!EventTypes.IsKnown(Steps[i].Type))
            {
                throw new ArgumentException($"funnel[{i}].type: '{Steps[i].Type}' is not an event type");
            }
            if (i > 0 && Steps[i].WithinSeconds is not > 0)
            {
                throw new ArgumentException($"funnel[{i}].withinSeconds: must be a positive number of seconds");
            }
        }
    }
}
