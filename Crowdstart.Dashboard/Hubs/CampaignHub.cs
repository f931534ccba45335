using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Crowdstart.Dashboard.Model;
using Crowdstart.Dashboard.Security;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Metrics;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Crowdstart.Dashboard.Hubs;

/// <summary>A campaign's metrics at one moment, as sent to hub clients.</summary>
/// <param name="CampaignId">The campaign.</param>
/// <param name="Name">Its name.</param>
/// <param name="Currency">ISO 4217 code of every amount.</param>
/// <param name="At">When the figures were read.</param>
/// <param name="Events">Events processed so far.</param>
/// <param name="Pledges">Completed pledges so far.</param>
/// <param name="NetPledged">Pledged minus refunded.</param>
/// <param name="Metrics">Windows, funnel, cohorts, revenue, social, carts, checkout health.</param>
public sealed record CampaignSnapshotMessage(Guid CampaignId, string Name, string Currency, DateTimeOffset At, long Events, long Pledges,
    decimal NetPledged, MetricsSnapshot Metrics)
{
    public static CampaignSnapshotMessage From(CampaignLiveView view) => new(view.Campaign.Id, view.Campaign.Name, view.Campaign.Currency,
        view.At, view.Totals.Events, view.Totals.Pledges, view.Totals.NetPledged, view.Metrics);
}

/// <summary>
/// <c>/hubs/campaigns</c>: live metric snapshots for scripts, other apps and load tests, with the same rules as the
/// campaign page. Signed-in users only (cookie or personal API token); a client may stream only campaigns it can read, and a stream ends
/// with an error once the user loses access (re-checked every <see cref="AccessRecheck"/>). The connection's cookie
/// is not trusted on its own: each call and each re-check validates the account as it is now (exists, not locked
/// out, same security stamp, roles from the database), like the circuits do.
/// </summary>
[Authorize(Policy = Policies.Programmatic)]
public sealed class CampaignHub(CampaignAccess access, CampaignLiveSource source, TimeProvider time, IServiceScopeFactory scopes,
    IOptions<IdentityOptions> identity, DashboardMetrics metrics, HubConnectionLimiter limiter, IOptions<CampaignHubOptions> hubOptions) : Hub
{
    /// <summary>Hub route.</summary>
    public const string Route = "/hubs/campaigns";

    private const string SlotKey = "crowdstart:slot";

    public override Task OnConnectedAsync()
    {
        // One account may hold a bounded number of connections; the refusal reaches the client as the close reason.
        var user = Context.UserIdentifier ?? Context.ConnectionId;
        if (!limiter.TryAcquire(user, Math.Max(1, hubOptions.Value.MaxConnectionsPerUser)))
        {
            throw new HubException($"Too many open connections for this account (at most {hubOptions.Value.MaxConnectionsPerUser}); close one first.");
        }
        Context.Items[SlotKey] = user;
        metrics.HubClientConnected();
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.TryGetValue(SlotKey, out var user) && user is string id)
        {
            limiter.Release(id);
            metrics.HubClientDisconnected();
        }
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>How often an open stream re-checks that its user may still read the campaign.</summary>
    public static readonly TimeSpan AccessRecheck = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Streams the campaign's snapshots: the current one at once, then one after every pipeline commit that touches
    /// the campaign (at most four a second) and every few seconds as windows slide. A slow client skips to the newest.
    /// </summary>
    [Authorize]
    public async IAsyncEnumerable<CampaignSnapshotMessage> StreamSnapshots(Guid campaignId, [EnumeratorCancellation] CancellationToken ct)
    {
        var actor = await CurrentActorAsync();
        await EnsureReadableAsync(actor, campaignId, ct);
        var channel = Channel.CreateBounded<CampaignSnapshotMessage>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        using var subscription = source.Subscribe(campaignId, LiveRange.Live, view =>
        {
            channel.Writer.TryWrite(CampaignSnapshotMessage.From(view));
            return Task.CompletedTask;
        });
        var nextCheck = time.GetUtcNow() + AccessRecheck;
        while (true)
        {
            CampaignSnapshotMessage message;
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                wait.CancelAfter(AccessRecheck);
                try
                {
                    message = await channel.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    message = null!;
                }
            }
            if (time.GetUtcNow() >= nextCheck)
            {
                actor = await CurrentActorAsync();
                await EnsureReadableAsync(actor, campaignId, ct);
                nextCheck = time.GetUtcNow() + AccessRecheck;
            }
            if (message is not null)
            {
                yield return message;
            }
        }
    }

    /// <summary>The campaigns this user may stream.</summary>
    [Authorize]
    public async Task<IReadOnlyList<CampaignSummary>> ListCampaigns()
    {
        var actor = await CurrentActorAsync();
        return [.. (await access.ReadableCampaignsAsync(actor, Context.ConnectionAborted)).Select(c => new CampaignSummary(c.Id, c.Name, c.Currency, c.LaunchAt))];
    }

    private async Task<Actor> CurrentActorAsync() =>
        await PrincipalValidation.CurrentActorAsync(scopes, Context.User!, identity.Value)
        ?? throw new HubException("Your session has ended; sign in again.");

    private async Task EnsureReadableAsync(Actor actor, Guid campaignId, CancellationToken ct)
    {
        // One message for unknown and foreign campaigns: the hub does not reveal which campaigns exist.
        if (!await access.CanReadAsync(actor, campaignId, ct))
        {
            throw new HubException("Campaign not found or not accessible.");
        }
    }
}

/// <summary>A campaign a hub client may stream.</summary>
public sealed record CampaignSummary(Guid Id, string Name, string Currency, DateTimeOffset LaunchAt);
