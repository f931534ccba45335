using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Ingestion;

/// <summary>
/// Counts wrong ingest keys per client address over a sliding window (<see cref="IngestionOptions.FailedKeyAttemptsPerWindow"/>
/// per <see cref="IngestionOptions.FailedKeyWindowSeconds"/>); an address past the limit is refused before its key
/// is looked up, so guessing keys is slow and a flood of random keys costs no database work. IPv6 clients count
/// per /64, the block one subscriber usually holds, or a guesser would just step through its own addresses.
/// The address is the connection's (or the forwarded client's where the app trusts its proxy).
/// </summary>
public sealed class IngestKeyThrottle(IOptions<IngestionOptions> options, TimeProvider time)
{
    // Bounds memory under a flood from many addresses; past it, idle windows are dropped first.
    private const int MaxTrackedAddresses = 50_000;
    private readonly ConcurrentDictionary<IPAddress, Window> _windows = new();

    /// <summary>How long <paramref name="address"/> must wait, or null when it may present a key now.</summary>
    public TimeSpan? RetryAfter(IPAddress? address)
    {
        if (address is null || !_windows.TryGetValue(Key(address), out var window))
        {
            return null;
        }
        lock (window)
        {
            return window.RetryAfter(time.GetUtcNow().ToUnixTimeMilliseconds(), Limits());
        }
    }

    /// <summary>Counts one wrong key presented from <paramref name="address"/>.</summary>
    public void RecordFailure(IPAddress? address)
    {
        if (address is null)
        {
            return;
        }
        if (_windows.Count >= MaxTrackedAddresses)
        {
            Prune();
        }
        var window = _windows.GetOrAdd(Key(address), _ => new Window());
        lock (window)
        {
            window.Add(time.GetUtcNow().ToUnixTimeMilliseconds(), Limits().WindowMs);
        }
    }

    private (int Limit, long WindowMs) Limits() => (options.Value.FailedKeyAttemptsPerWindow, options.Value.FailedKeyWindowSeconds * 1000L);

    private void Prune()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var windowMs = Limits().WindowMs;
        foreach (var (address, window) in _windows)
        {
            bool idle;
            lock (window)
            {
                idle = window.IdleAt(now, windowMs);
            }
            if (idle)
            {
                _windows.TryRemove(address, out _);
            }
        }
        if (_windows.Count >= MaxTrackedAddresses)
        {
            // Every tracked address is active: forgetting them all is better than growing without bound.
            _windows.Clear();
        }
    }

    private static IPAddress Key(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    /// <summary>
    /// Two fixed windows weighted into a sliding one: the current window's count plus the previous one's, scaled by
    /// how much of it still overlaps the last <c>windowMs</c>. O(1) memory per address, close to an exact log.
    /// </summary>
    private sealed class Window
    {
        private long _start;
        private int _previous, _current;

        public void Add(long now, long windowMs)
        {
            Advance(now, windowMs);
            _current++;
        }

        public TimeSpan? RetryAfter(long now, (int Limit, long WindowMs) limits)
        {
            var (limit, windowMs) = limits;
            Advance(now, windowMs);
            if (Estimate(now, windowMs) < limit)
            {
                return null;
            }
            // When the current window ends, the estimate is at most the current count and falls linearly after that.
            var untilEnd = _start + windowMs - now;
            var extra = _current >= limit ? (long)Math.Ceiling(windowMs * (1 - (limit - 1) / (double)_current)) : 0;
            return TimeSpan.FromMilliseconds(Math.Max(1, untilEnd + extra));
        }

        public bool IdleAt(long now, long windowMs) => now - _start >= 2 * windowMs;

        private double Estimate(long now, long windowMs) => _previous * (1 - (now - _start) / (double)windowMs) + _current;

        private void Advance(long now, long windowMs)
        {
            var start = now - now % windowMs;
            if (start == _start)
            {
                return;
            }
            _previous = start - _start == windowMs ? _current : 0;
            _current = 0;
            _start = start;
        }
    }
}
