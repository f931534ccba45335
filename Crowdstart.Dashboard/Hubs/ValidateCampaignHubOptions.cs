using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.Options;

namespace Crowdstart.Dashboard.Hubs;

/// <summary>Checks <see cref="CampaignHubOptions"/> at start-up and reports every bad setting at once.</summary>
public sealed class ValidateCampaignHubOptions : IValidateOptions<CampaignHubOptions>
{
    public ValidateOptionsResult Validate(string? name, CampaignHubOptions options) => new OptionErrors(CampaignHubOptions.SectionName)
        // Benchmarks hold thousands of connections under one account (scripts/bench-fanout.sh).
        .Range(nameof(options.MaxConnectionsPerUser), options.MaxConnectionsPerUser, 1, 1_000_000)
        .Range(nameof(options.MaxCircuitsPerUser), options.MaxCircuitsPerUser, 1, 1_000_000)
        // The hub's calls carry a campaign id, but SignalR's handshake and protocol frames must fit too.
        .Range(nameof(options.MaxMessageBytes), options.MaxMessageBytes, 1024, 1024 * 1024)
        .Result();
}
