using Crowdstart.Pipeline.Configuration;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Alerts;

public static class AlertsServiceCollectionExtensions
{
    /// <summary>The alert monitor, alert store and feed, webhooks and their delivery (evaluation and delivery run on pipeline instances).</summary>
    public static IHostApplicationBuilder AddAlerts(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<AlertOptions, ValidateAlertOptions>(AlertOptions.SectionName);
        services.AddSingleton<AlertFeed>();
        services.AddSingleton<AlertStore>();
        services.AddSingleton<AlertMuteStore>();
        services.AddSingleton<LaunchPriorStore>();
        services.AddSingleton<AlertReadinessQuery>();
        services.AddSingleton<AlertMonitor>();
        var pipeline = Cluster.InstanceOptions.From(builder.Configuration).Has(Cluster.InstanceRoles.Pipeline);
        if (pipeline)
        {
            services.AddHostedService(sp => sp.GetRequiredService<AlertMonitor>());
        }
        services.AddSingleton<WebhookStore>();
        services.AddHttpClient(WebhookDispatcher.HttpClientName).ConfigurePrimaryHttpMessageHandler(sp =>
        {
            var allowPrivate = sp.GetRequiredService<IOptions<AlertOptions>>().Value.AllowPrivateWebhookTargets;
            return new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                // The address checked is the address connected to: a DNS answer that changes between the URL check and
                // the connection (DNS rebinding) cannot smuggle a request into the server's own network.
                ConnectCallback = async (context, ct) =>
                {
                    var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
                    var target = addresses.FirstOrDefault(a => allowPrivate || !WebhookStore.IsInternal(a))
                        ?? throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves only to internal addresses");
                    var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await socket.ConnectAsync(target, context.DnsEndPoint.Port, ct);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
        });
        services.AddSingleton<WebhookDispatcher>();
        if (pipeline)
        {
            services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        }
        return builder;
    }
}
