using Crowdstart.Pipeline;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Pipeline.Log;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Log;

/// <summary>The append queue's bound: what keeps ingest's memory flat when the writer cannot keep up.</summary>
[Layer(TestLayer.Unit)]
public sealed class EventAppenderTests
{
    private static EventRecord Event() => new(Guid.NewGuid(), EventTypes.PageView, Guid.NewGuid(), "c-1", "s-1", DateTimeOffset.UtcNow, "direct", null, null, null);

    [Fact]
    public async Task AppendAsync_QueueFull_RefusedWithRetryAfterAndNothingQueued()
    {
        // Arrange: a writer that has not started (as when the database is slower than ingest), room for 10 events
        await using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=nobody");
        var appender = new EventAppender(new EventLogWriter(dataSource, 8, TimeProvider.System), new LogSignal(8),
            Options.Create(new AppendOptions { QueueCapacityEvents = 10 }), NullLogger<EventAppender>.Instance);
        _ = appender.AppendAsync([Event(), Event(), Event(), Event(), Event()]);
        var roomBefore = appender.HasRoomFor(5);
        _ = appender.AppendAsync([Event(), Event(), Event(), Event(), Event()]);

        // Act
        // The refusal is synchronous: nothing is queued, nothing waits.
        LogUnavailableException? refused = null;
        try
        {
            _ = appender.AppendAsync([Event()]);
        }
        catch (LogUnavailableException ex)
        {
            refused = ex;
        }

        // Assert
        Assert.True(roomBefore);
        Assert.False(appender.HasRoomFor(1));
        Assert.Equal(10, appender.QueuedEvents);
        Assert.NotNull(refused);
        Assert.True(refused.RetryAfter > TimeSpan.Zero);
    }
}
