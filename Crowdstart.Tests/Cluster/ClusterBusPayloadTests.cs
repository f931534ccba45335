using Crowdstart.Pipeline.Cluster;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Crowdstart.Tests.Cluster;

/// <summary>The bus's payload format, without a database.</summary>
[Layer(TestLayer.Unit)]
public class ClusterBusPayloadTests
{
    private static ClusterBus Bus() => new(NpgsqlDataSource.Create("Host=127.0.0.1;Port=1"), NullLogger<ClusterBus>.Instance);

    [Fact]
    public void Payload_SmallBody_CarriesOriginTopicAndBody()
    {
        // Arrange
        var bus = Bus();

        // Act
        var payload = bus.Payload("campaigns", "a,b");

        // Assert
        Assert.Equal($"{bus.Origin}:campaigns:m:a,b", payload);
    }

    [Fact]
    public void Payload_BodyOverPostgresLimit_BecomesResyncOfTheTopic()
    {
        // Arrange
        var bus = Bus();

        // Act
        var payload = bus.Payload("campaigns", new string('x', 8000));

        // Assert
        Assert.Equal($"{bus.Origin}:campaigns:r", payload);
    }

    [Fact]
    public void Subscribe_TopicWithColon_Refused()
    {
        // Arrange
        var bus = Bus();

        // Act + Assert
        Assert.Throws<ArgumentException>(() => bus.Subscribe("a:b", _ => { }, () => { }));
    }
}
