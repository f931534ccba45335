using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Crowdstart.Dashboard.Services;

/// <summary>Counts circuits as they open and close (a reconnecting circuit stays counted).</summary>
public sealed class CircuitMetricsHandler(DashboardMetrics metrics) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        metrics.CircuitOpened();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        metrics.CircuitClosed();
        return Task.CompletedTask;
    }
}
