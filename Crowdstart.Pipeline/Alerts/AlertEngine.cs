namespace Crowdstart.Pipeline.Alerts;

/// <summary>What the engine decided at one evaluation.</summary>
/// <param name="Kind">opened, updated or resolved.</param>
/// <param name="Detector">The detector (<see cref="DetectorKinds"/>).</param>
/// <param name="Scope">What the alert is about ("campaign", "source:…").</param>
/// <param name="Signal">The signal behind the transition (its message describes the alert).</param>
/// <param name="At">The evaluation moment.</param>
public sealed record AlertTransition(string Kind, string Detector, string Scope, Signal Signal, DateTimeOffset At);

/// <summary>
/// The alert lifecycle for one campaign, as a pure state machine over successive evaluations: an alert opens
/// after <see cref="DetectorSettings.Persistence"/> anomalous evaluations in a row, there is at most one open
/// alert per detector and scope, it resolves by itself after <see cref="DetectorSettings.RecoveryMinutes"/> back in
/// range, and the same detector and scope stay quiet for <see cref="DetectorSettings.CooldownMinutes"/> after.
/// Acknowledging is the store's business; it does not change what the engine sees.
/// </summary>
public sealed class AlertEngine(DetectorSettings settings)
{
    private sealed class State
    {
        public int Streak;
        public bool Open;
        public DateTimeOffset? NormalSince;
        public DateTimeOffset QuietUntil;
        public DateTimeOffset OpenedAt;
    }

    private readonly Dictionary<(string Detector, string Scope), State> _states = [];

    /// <summary>Open alerts (detector, scope) right now.</summary>
    public IEnumerable<(string Detector, string Scope)> OpenAlerts => _states.Where(s => s.Value.Open).Select(s => s.Key);

    /// <summary>When each open campaign-wide alert opened, by detector: the detectors keep its baseline from before the incident.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> OpenSince =>
        _states.Where(s => s.Value.Open).GroupBy(s => s.Key.Detector).ToDictionary(g => g.Key, g => g.Min(s => s.Value.OpenedAt));

    /// <summary>Marks an alert open on start-up (restored from storage), so it is not opened twice.</summary>
    public void Restore(string detector, string scope, DateTimeOffset? openedAt = null) =>
        _states[(detector, scope)] = new State { Open = true, OpenedAt = openedAt ?? DateTimeOffset.MinValue };

    /// <summary>
    /// Aligns the engine with the alerts live in storage (the source of truth): an alert resolved by hand is closed
    /// here too and starts its cooldown, so a continuing problem alerts again once the cooldown is over; an alert
    /// that is live in storage but not here (another process, a lost write) is taken as open.
    /// </summary>
    public void Sync(IReadOnlyCollection<(string Detector, string Scope)> live, DateTimeOffset now,
        IReadOnlyDictionary<(string Detector, string Scope), DateTimeOffset>? openedAt = null)
    {
        foreach (var (key, state) in _states.Where(s => s.Value.Open && !live.Contains(s.Key)).ToList())
        {
            state.Open = false;
            state.Streak = 0;
            state.NormalSince = null;
            state.QuietUntil = now + TimeSpan.FromMinutes(settings.CooldownMinutes);
        }
        foreach (var key in live)
        {
            var state = _states.TryGetValue(key, out var s) ? s : _states[key] = new State();
            if (!state.Open)
            {
                state.OpenedAt = openedAt?.GetValueOrDefault(key) ?? now;
            }
            else if (openedAt?.TryGetValue(key, out var at) == true)
            {
                state.OpenedAt = at;
            }
            state.Open = true;
        }
    }

    /// <summary>Folds one evaluation's signals into the lifecycle.</summary>
    public IReadOnlyList<AlertTransition> Apply(IEnumerable<Signal> signals, DateTimeOffset now)
    {
        var transitions = new List<AlertTransition>();
        var seen = new HashSet<(string, string)>();
        foreach (var signal in signals)
        {
            var key = (signal.Detector, signal.Scope);
            seen.Add(key);
            var state = _states.TryGetValue(key, out var s) ? s : _states[key] = new State();
            if (signal.Anomalous)
            {
                state.Streak++;
                state.NormalSince = null;
                if (!state.Open && state.Streak >= settings.Persistence && now >= state.QuietUntil)
                {
                    state.Open = true;
                    state.OpenedAt = now;
                    transitions.Add(new("opened", signal.Detector, signal.Scope, signal, now));
                }
                else if (state.Open)
                {
                    transitions.Add(new("updated", signal.Detector, signal.Scope, signal, now));
                }
            }
            else
            {
                state.Streak = 0;
                Recover(state, key, signal, now, transitions);
            }
        }
        // A key that is no longer reported recovers like a normal reading; its streak restarts either way, so a
        // single later reading can never open an alert.
        foreach (var (key, state) in _states.Where(s => !seen.Contains(s.Key)).ToList())
        {
            state.Streak = 0;
            Recover(state, key, new Signal(key.Detector, key.Scope, false, AlertSeverity.Info, "back in range", 0, 0, 0), now, transitions);
        }
        return transitions;
    }

    private void Recover(State state, (string Detector, string Scope) key, Signal signal, DateTimeOffset now, List<AlertTransition> transitions)
    {
        if (!state.Open)
        {
            return;
        }
        state.NormalSince ??= now;
        if (now - state.NormalSince.Value >= TimeSpan.FromMinutes(settings.RecoveryMinutes))
        {
            state.Open = false;
            state.NormalSince = null;
            state.QuietUntil = now + TimeSpan.FromMinutes(settings.CooldownMinutes);
            transitions.Add(new("resolved", key.Detector, key.Scope, signal, now));
        }
    }
}
