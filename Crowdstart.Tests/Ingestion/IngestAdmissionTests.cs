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
}
