using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Pipeline.Log;

public static class LogServiceCollectionExtensions
{
    private static LogEngine Engine(IServiceProvider sp) => sp.GetRequiredService<IOptions<LogOptions>>().Value.Engine;

    /// <summary>The durable event log: its partitions, the writer and the group-commit appender, or the JetStream stream.</summary>
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
        services.AddSingleton<JetStream.JetStreamLog>();
        services.AddSingleton<JetStream.JetStreamEventLog>();
        services.AddSingleton<JetStream.JetStreamLogReader>();
        services.AddSingleton(sp => new PostgresLogReader(sp.GetRequiredService<LogSignal>()));
        // The engine is chosen when the log is first used, from the validated options: the other engine's parts
        // are registered but never built (the JetStream connection only exists when JetStream is the log).
        services.AddSingleton<IEventLog>(sp => Engine(sp) == LogEngine.JetStream
            ? sp.GetRequiredService<JetStream.JetStreamEventLog>()
            : sp.GetRequiredService<EventAppender>());
        services.AddSingleton<ILogReader>(sp => Engine(sp) == LogEngine.JetStream
            ? sp.GetRequiredService<JetStream.JetStreamLogReader>()
            : sp.GetRequiredService<PostgresLogReader>());
        return builder;
    }
}
