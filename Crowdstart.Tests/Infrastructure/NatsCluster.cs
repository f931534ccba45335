using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>
/// A JetStream cluster of real <c>nats-server</c> processes on loopback (three by default), for the cluster tests:
/// nodes can be killed with SIGKILL and started again on their data. scripts/test.sh installs nats-server.
/// </summary>
public sealed class NatsCluster : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("crowdstart-nats-").FullName;
    private readonly int[] _clientPorts;
    private readonly Process?[] _nodes;

    public NatsCluster(int nodes = 3)
    {
        _clientPorts = [.. Enumerable.Range(0, nodes).Select(_ => FreePort())];
        var routePorts = Enumerable.Range(0, nodes).Select(_ => FreePort()).ToArray();
        _nodes = new Process?[nodes];
        var routes = string.Join(", ", routePorts.Select(p => $"nats-route://127.0.0.1:{p}"));
        for (var n = 0; n < nodes; n++)
        {
            Directory.CreateDirectory(Path.Combine(_dir, $"n{n}"));
            File.WriteAllText(Path.Combine(_dir, $"n{n}.conf"), $$"""
                server_name: n{{n}}
                listen: 127.0.0.1:{{_clientPorts[n]}}
                jetstream { store_dir: "{{Path.Combine(_dir, $"n{n}")}}", max_mem: 128MB, max_file: 2GB }
                cluster { name: crowdstart-test, listen: 127.0.0.1:{{routePorts[n]}}, routes: [{{routes}}] }
                """);
        }
    }

    /// <summary>The client URLs of every node, comma-separated, as <c>Log:JetStream:Url</c> takes them.</summary>
    public string Urls => string.Join(",", _clientPorts.Select(p => $"nats://127.0.0.1:{p}"));

    /// <summary>Starts every node and waits until each accepts connections.</summary>
    public async Task StartAsync()
    {
        for (var n = 0; n < _nodes.Length; n++)
        {
            await StartNodeAsync(n);
        }
    }

    /// <summary>Starts node <paramref name="n"/> (again) on its data.</summary>
    public async Task StartNodeAsync(int n)
    {
        var start = new ProcessStartInfo("nats-server", ["-c", Path.Combine(_dir, $"n{n}.conf")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("nats-server is not installed; scripts/test.sh installs it (apt-get install nats-server).", ex);
        }
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _nodes[n] = process;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, _clientPorts[n]);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>SIGKILLs node <paramref name="n"/>: no shutdown, no flush.</summary>
    public async Task KillNodeAsync(int n)
    {
        if (_nodes[n] is { } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
            _nodes[n] = null;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        for (var n = 0; n < _nodes.Length; n++)
        {
            await KillNodeAsync(n);
        }
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
