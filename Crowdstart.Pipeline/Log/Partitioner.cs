using System.Text;

namespace Crowdstart.Pipeline.Log;

/// <summary>
/// Maps a customer id to a log partition. The hash must be identical in every process and every
/// release (the partition of a customer decides the order its events are processed in), so it is
/// FNV-1a over the UTF-8 bytes rather than <see cref="string.GetHashCode()"/>, which is randomised per process.
/// </summary>
public static class Partitioner
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    /// <summary>Returns the partition in [0, <paramref name="partitionCount"/>) for a customer.</summary>
    public static int PartitionFor(string customerId, int partitionCount)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);

        Span<byte> stack = stackalloc byte[256];
        var byteCount = Encoding.UTF8.GetByteCount(customerId);
        var bytes = byteCount <= stack.Length ? stack[..byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(customerId, bytes);

        var hash = OffsetBasis;
        foreach (var b in bytes)
        {
            hash ^= b;
            hash *= Prime;
        }
        return (int)(hash % (uint)partitionCount);
    }
}
