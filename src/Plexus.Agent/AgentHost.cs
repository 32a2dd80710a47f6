using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plexus.Agent.Api;
using Plexus.Agent.Configuration;
using Plexus.Agent.ControlPlane.Identity;
using Plexus.Agent.ControlPlane.Policy;
using Plexus.Agent.ControlPlane.Services;
using Plexus.Agent.Datapath;
using Plexus.Agent.Endpoints;
using Plexus.Agent.Flows;
using Plexus.Agent.Metrics;
using Plexus.Agent.Registration;
using Plexus.Store;

namespace Plexus.Agent;

/// <summary>The composition root: wires store, controllers and the API for one node, and runs until SIGTERM.</summary>
public static partial class AgentHost
{
    /// <summary>Builds the agent application for <paramref name="config"/> (not started).</summary>
    public static WebApplication Build(AgentConfig config)
    {
        var builder = WebApplication.CreateSlimBuilder(AgentWebHost.Options("plexus-agent"));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        builder.Logging.SetMinimumLevel(Enum.Parse<LogLevel>(config.LogLevel, ignoreCase: true));
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

        PrepareSocket(config.ApiSocket);
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(config.ApiSocket));

        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AgentState>();
        builder.Services.AddSingleton<StoreMetrics>();
        builder.Services.AddSingleton<IStore>(sp => new InstrumentedStore(
            StoreFactory.Create(config.Store, sp.GetRequiredService<ILoggerFactory>()), sp.GetRequiredService<StoreMetrics>()));
        builder.Services.AddHostedService<NodeRegistrar>();
        builder.Services.AddSingleton(sp => new IdentityAllocator(
            sp.GetRequiredService<IStore>(), config.Node, config.ClusterId, sp.GetRequiredService<ILogger<IdentityAllocator>>()));
        builder.Services.AddSingleton<EndpointManager>();
        builder.Services.AddSingleton<ServiceController>();
        builder.Services.AddSingleton<PolicyController>();
        builder.Services.AddSingleton(sp => new FlowObserver(config.FlowRingCapacity, sp.GetRequiredService<ILogger<FlowObserver>>()));
        builder.Services.AddSingleton<DatapathController>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DatapathController>());
        AddMetrics(builder.Services, config);
        if (config.FlowExportFile is { } exportFile)
        {
            builder.Services.AddHostedService(sp => new FlowExporter(exportFile, config.FlowExportMaxSize, config.FlowExportMaxFiles,
                sp.GetRequiredService<FlowObserver>().Ring, $"{config.Cluster}/{config.Node}", sp.GetRequiredService<ILogger<FlowExporter>>()));
        }

        var app = builder.Build();
        AgentApi.Map(app, config, app.Services.GetRequiredService<AgentState>(), TimeProvider.System,
            app.Services.GetRequiredService<DatapathController>(), app.Services.GetRequiredService<EndpointManager>(),
            app.Services.GetRequiredService<ServiceController>(), app.Services.GetRequiredService<PolicyController>());
        FlowsApi.Map(app, config, app.Services.GetRequiredService<FlowObserver>());
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Plexus.Agent");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            // Kestrel creates the socket with the process umask; only root may talk to the agent.
            File.SetUnixFileMode(config.ApiSocket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            LogStarted(log, config.Node, config.Cluster, AgentInfo.Version, config.ApiSocket);
        });
        app.Lifetime.ApplicationStopping.Register(() => LogStopping(log, config.Node));
        app.Lifetime.ApplicationStopped.Register(() => File.Delete(config.ApiSocket));
        return app;
    }

    /// <summary>The Prometheus endpoint and its collectors (<see cref="MetricCatalogue"/> lists what they export).</summary>
    private static void AddMetrics(IServiceCollection services, AgentConfig config)
    {
        if (config.MetricsPort == 0)
        {
            return;
        }

        services.AddSingleton(sp => new FlowMetrics(sp.GetRequiredService<FlowObserver>(), sp.GetRequiredService<ILogger<FlowMetrics>>()));
        services.AddHostedService(sp => sp.GetRequiredService<FlowMetrics>());
        services.AddSingleton<IMetricsCollector>(sp => new DatapathMetricsCollector(sp.GetRequiredService<DatapathController>()));
        services.AddSingleton<IMetricsCollector>(sp => sp.GetRequiredService<FlowMetrics>());
        services.AddSingleton<IMetricsCollector, ControlPlaneMetricsCollector>();
        services.AddSingleton<IMetricsCollector, BpfMapMetricsCollector>();
        services.AddSingleton<IMetricsCollector>(sp => sp.GetRequiredService<StoreMetrics>());
        services.AddSingleton<IMetricsCollector, RuntimeMetricsCollector>();
        services.AddSingleton<MetricsExporter>();
        services.AddHostedService(sp => new MetricsServer(config.MetricsPort, sp.GetRequiredService<MetricsExporter>(), sp.GetRequiredService<ILogger<MetricsServer>>()));
    }

    private static void PrepareSocket(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(dir))
        {
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // A socket left by a killed agent would make bind fail with EADDRINUSE.
        File.Delete(path);
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "plexus-agent {Version} started for node {Cluster}/{Node}; API on {Socket}")]
    private static partial void LogStarted(ILogger logger, string node, string cluster, string version, string socket);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Node {Node}: shutting down (the datapath keeps forwarding)")]
    private static partial void LogStopping(ILogger logger, string node);
}
