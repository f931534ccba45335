using System.Buffers;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Log.JetStream;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Log;

[Layer(TestLayer.Unit)]
public sealed class LogMessageTests
{
    [Fact]
    public void Read_WrittenMessage_ReturnsTheSameEventsAndReceiveTime()
    {
        // Arrange
        var received = new DateTimeOffset(2026, 12, 6, 10, 0, 0, 123, TimeSpan.Zero);
        EventRecord[] events =
        [
            new(Guid.NewGuid(), EventTypes.PledgeCompleted, Guid.NewGuid(), "c-ü \"quoted\"", "s-1", received.AddMinutes(-3).ToOffset(TimeSpan.FromHours(2)),
                "social:reddit", 49.95m, "EUR", """{"reward":"early_bird","add_on":true,"n":[1,2.5]}"""),
            new(Guid.NewGuid(), EventTypes.PageView, Guid.NewGuid(), "c-2", "s-2", received.AddSeconds(-1), "direct", null, null, null),
        ];
        var buffer = new ArrayBufferWriter<byte>();

        // Act
        LogMessage.Write(buffer, received, events, 0, events.Length);
        var (receivedAt, read) = LogMessage.Read(buffer.WrittenSpan);

        // Assert
        Assert.Equal(received, receivedAt);
        Assert.Equal(events.Length, read.Count);
        Assert.Equal(events[1], read[1]);
        Assert.Equal(events[0] with { PropertiesJson = null }, read[0] with { PropertiesJson = null });
        Assert.Equal(events[0].OccurredAt.UtcDateTime, read[0].OccurredAt.UtcDateTime);
        Assert.Equal("""{"reward":"early_bird","add_on":true,"n":[1,2.5]}""", read[0].PropertiesJson);
    }

    [Theory]
    [InlineData(1UL, 0)]
    [InlineData(2UL, 999)]
    [InlineData(9_000_000_000UL, 1_048_575)]
    public void Positions_EventOfMessage_OrderedAndResumeAfterTheMessage(ulong sequence, int index)
    {
        // Act
        var position = JetStreamPositions.Of(sequence, index);
        var after = JetStreamPositions.AfterMessage(sequence);

        // Assert
        Assert.True(position <= after);
        Assert.True(after < JetStreamPositions.Of(sequence + 1, 0));
        Assert.Equal(sequence + 1, JetStreamPositions.NextSequence(after));
        Assert.Equal(1UL, JetStreamPositions.NextSequence(LogPosition.Start));
    }
}
