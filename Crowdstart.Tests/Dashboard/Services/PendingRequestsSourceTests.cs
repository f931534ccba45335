using System.Collections.Concurrent;
using Crowdstart.Dashboard.Services;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crowdstart.Tests.Dashboard.Services;

/// <summary>The admin menu's pending-requests count: live after every request and decision, read once per change for everyone.</summary>
[Layer(TestLayer.Database)]
public sealed class PendingRequestsSourceTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>A watcher that remembers the counts it was given and can wait for one.</summary>
    private sealed class Watcher
    {
        private readonly ConcurrentQueue<int> _seen = new();
        private readonly ConcurrentDictionary<int, TaskCompletionSource> _waiting = new();

        public IReadOnlyCollection<int> Seen => _seen;

        public Task OnCount(int count)
        {
            _seen.Enqueue(count);
            _waiting.GetOrAdd(count, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            return Task.CompletedTask;
        }

        public Task Until(int count) => _waiting.GetOrAdd(count, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(Wait);
    }

    [Fact]
    public async Task Subscribe_RequestsMadeAndDecided_EveryWatcherFollowsTheCountWithOneReadPerChangeAtMost()
    {
        // Arrange: 20 open admin pages watching the count
        var svc = new AccountServices(db);
        var creator = AccountServices.Creator(await db.CreateUserAsync($"c-{Guid.NewGuid():N}@test.example", db.OrganisationId));
        var admin = AccountServices.Admin(await db.CreateUserAsync($"a-{Guid.NewGuid():N}@test.example"));
        var campaigns = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            campaigns.Add((await db.Campaigns.CreateCampaignAsync(db.OrganisationId, $"pr-{i}-" + Guid.NewGuid().ToString("N")[..6], $"Badge {i}", "EUR", 1m, DateTimeOffset.UtcNow)).Id);
        }
        using var source = new PendingRequestsSource(svc.Grants, svc.Changes, TimeProvider.System, NullLogger<PendingRequestsSource>.Instance);
        var watchers = Enumerable.Range(0, 20).Select(_ => new Watcher()).ToList();
        var subscriptions = watchers.Select(w => source.Subscribe(w.OnCount)).ToList();
        await Task.WhenAll(watchers.Select(w => w.Until(0)));

        // Act: three requests, then one approved and one denied
        var requests = new List<Guid>();
        foreach (var campaign in campaigns)
        {
            requests.Add((await svc.Grants.RequestAsync(creator, campaign, "checking a pledge a backer disputes")).Id);
        }
        await Task.WhenAll(watchers.Select(w => w.Until(3)));
        await svc.Grants.ApproveAsync(admin, requests[0], TimeSpan.FromHours(2));
        await svc.Grants.DenyAsync(admin, requests[1], "not needed");

        // Assert
        await Task.WhenAll(watchers.Select(w => w.Until(1)));
        // A watcher hears of a count only when it changed.
        Assert.All(watchers, w => Assert.All(w.Seen.Zip(w.Seen.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second)));
        // One initial read plus at most one per change (3 requests, 2 decisions), whatever the number of watchers.
        Assert.InRange(source.Reads, 2, 6);
        var late = new Watcher();
        using (source.Subscribe(late.OnCount))
        {
            await late.Until(1);
        }
        subscriptions.ForEach(s => s.Dispose());
    }
}
