using System.Diagnostics.Metrics;

namespace Crowdstart.Dashboard.Services;

/// <summary>Connected dashboard circuits and hub clients (meter <see cref="MeterName"/>).</summary>
public sealed class DashboardMetrics
{
    public const string MeterName = "Crowdstart.Dashboard";

    private readonly UpDownCounter<long> _circuits;
    private readonly UpDownCounter<long> _hubClients;

    public DashboardMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _circuits = meter.CreateUpDownCounter<long>("crowdstart.dashboard.circuits", "{circuit}", "Browser pages connected over SignalR (Blazor circuits)");
        _hubClients = meter.CreateUpDownCounter<long>("crowdstart.hub.clients", "{connection}", "Programs connected to /hubs/campaigns");
    }

    public void CircuitOpened() => _circuits.Add(1);

    public void CircuitClosed() => _circuits.Add(-1);

    public void HubClientConnected() => _hubClients.Add(1);

    public void HubClientDisconnected() => _hubClients.Add(-1);
}

