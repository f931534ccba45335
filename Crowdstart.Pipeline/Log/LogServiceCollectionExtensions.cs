using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Pipeline.Log;

public static class LogServiceCollectionExtensions
{
    /// <summary>The durable event log: its partitions, the writer and the group-commit appender.</summary>
    public static IHostApplicationBuilder AddEventLog(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<LogOptions, ValidateLogOptions>(LogOptions.SectionName);
        services.AddSingleton(sp => new LogSignal(sp.GetRequiredService<IOptions<LogOptions>>().Value.PartitionCount));
        services.AddSingleton(sp => new EventLogWriter(
            sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<IOptions<LogOptions>>().Value.PartitionCount,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<EventAppender>();
        services.AddHostedService(sp => sp.GetRequiredService<EventAppender>());
        return builder;
    }
}
