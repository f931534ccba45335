using Crowdstart.Pipeline.Log;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Log;

[Layer(TestLayer.Unit)]
public class PartitionerTests
{
    [Fact]
    public void PartitionFor_SameCustomer_AlwaysSamePartition()
    {
        var first = Partitioner.PartitionFor("c-123", 8);

        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(first, Partitioner.PartitionFor("c-123", 8)));
    }

    [Theory]
    [InlineData("", 0u)]
    [InlineData("a", 0xe40c292cu)]
    [InlineData("foobar", 0xbf9cf968u)]
    public void PartitionFor_KnownFnv1aVectors_MatchReferenceHash(string input, uint fnv1a)
    {
        // Published FNV-1a 32-bit test vectors: the mapping must never change between releases.
        var expected = input.Length == 0 ? (int)(2166136261u % 1000u) : (int)(fnv1a % 1000u);

        Assert.Equal(expected, Partitioner.PartitionFor(input, 1000));
    }

    [Fact]
    public void PartitionFor_ManyCustomers_SpreadsEvenlyWithinRange()
    {
        const int partitions = 8;
        var counts = new int[partitions];

        for (var i = 0; i < 80_000; i++)
        {
            var p = Partitioner.PartitionFor($"customer-{i}", partitions);
            Assert.InRange(p, 0, partitions - 1);
            counts[p]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 9_000, 11_000));
    }

    [Fact]
    public void PartitionFor_NonAsciiAndLongIds_AreHandled()
    {
        var longId = new string('x', 1000);

        Assert.InRange(Partitioner.PartitionFor("kunde-ü-ß", 4), 0, 3);
        Assert.InRange(Partitioner.PartitionFor(longId, 4), 0, 3);
    }

    [Fact]
    public void PartitionFor_ZeroPartitions_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Partitioner.PartitionFor("c", 0));
    }
}
