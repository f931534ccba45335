using Crowdstart.Pipeline;
using Crowdstart.Pipeline.Ingestion;
using Microsoft.Extensions.Options;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Ingestion;

[Layer(TestLayer.Unit)]
public sealed class IngestAdmissionTests
{
    private static IngestAdmission Admission(int concurrent, int queued) =>
        new(Options.Create(new IngestionOptions { MaxConcurrentRequests = concurrent, MaxQueuedRequests = queued }));

    [Fact]
    public async Task EnterAsync_TurnsAndQueueTaken_RefusesAtOnce()
    {
        // Arrange
        using var admission = Admission(concurrent: 2, queued: 1);
        using var first = await admission.EnterAsync(CancellationToken.None);
        using var second = await admission.EnterAsync(CancellationToken.None);
        var waiting = admission.EnterAsync(CancellationToken.None);

        // Act
        using var refused = await admission.EnterAsync(CancellationToken.None);

        // Assert
        Assert.True(first.IsAcquired);
        Assert.True(second.IsAcquired);
        Assert.False(waiting.IsCompleted);
        Assert.False(refused.IsAcquired);
        first.Dispose();
        using var admitted = await waiting;
        Assert.True(admitted.IsAcquired);
    }

    [Fact]
    public async Task EnterAsync_WaitersQueued_AdmittedOldestFirst()
    {
        // Arrange
        using var admission = Admission(concurrent: 1, queued: 2);
        var held = await admission.EnterAsync(CancellationToken.None);
        var older = admission.EnterAsync(CancellationToken.None).AsTask();
        var newer = admission.EnterAsync(CancellationToken.None).AsTask();

        // Act
        held.Dispose();
        using var olderLease = await older;

        // Assert
        Assert.True(olderLease.IsAcquired);
        Assert.False(newer.IsCompleted);
        olderLease.Dispose();
        using var newerLease = await newer;
        Assert.True(newerLease.IsAcquired);
    }

    [Fact]
    public void PausedFor_DuringAndAfterPause_LeftThenOpen()
    {
        // Arrange
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-12-06T12:00:00Z"));
        using var admission = new IngestAdmission(Options.Create(new IngestionOptions()), time);

        // Act
        admission.Pause(TimeSpan.FromSeconds(4));
        var during = admission.PausedFor();
        time.Advance(TimeSpan.FromSeconds(4));
        var after = admission.PausedFor();

        // Assert
        Assert.Equal(TimeSpan.FromSeconds(4), during);
        Assert.Null(after);
    }

    [Fact]
    public void Pause_Zero_ReopensAtOnce()
    {
        // Arrange
        using var admission = Admission(concurrent: 1, queued: 0);
        admission.Pause(TimeSpan.FromMinutes(5));

        // Act
        admission.Pause(TimeSpan.Zero);

        // Assert
        Assert.Null(admission.PausedFor());
    }
}
