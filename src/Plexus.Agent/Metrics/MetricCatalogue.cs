namespace Plexus.Agent.Metrics;

/// <summary>
/// Every metric family the agent exports: the single list the exporter writes from (a family not listed here cannot
/// be written), docs/metrics.md describes and the Grafana dashboard test checks its queries against. Families are
/// written in this order, each with <c># HELP</c> and <c># TYPE</c> even when it has no samples yet.
/// </summary>
public static class MetricCatalogue
{
    // Datapath: the per-CPU forward/drop counters (plx_metrics), summed over CPUs.

    /// <summary>Packets the datapath forwarded or dropped, by direction, verdict and drop reason.</summary>
    public static readonly MetricDescriptor DatapathPackets = Counter(
        "plexus_datapath_packets_total", "Packets the datapath forwarded or dropped (reason NONE when forwarded)", "direction", "verdict", "reason");

    /// <summary>Bytes of <see cref="DatapathPackets"/>.</summary>
    public static readonly MetricDescriptor DatapathBytes = Counter(
        "plexus_datapath_bytes_total", "Bytes the datapath forwarded or dropped (reason NONE when forwarded)", "direction", "verdict", "reason");

    /// <summary>Cilium's name for forwarded packets.</summary>
    public static readonly MetricDescriptor CiliumForwardCount = Counter(
        "cilium_forward_count_total", "Total forwarded packets (Cilium's name)", "direction");

    /// <summary>Cilium's name for forwarded bytes.</summary>
    public static readonly MetricDescriptor CiliumForwardBytes = Counter(
        "cilium_forward_bytes_total", "Total forwarded bytes (Cilium's name)", "direction");

    /// <summary>Cilium's name for dropped packets (reason in words, as Cilium writes it).</summary>
    public static readonly MetricDescriptor CiliumDropCount = Counter(
        "cilium_drop_count_total", "Total dropped packets by reason (Cilium's name and reason text)", "reason", "direction");

    /// <summary>Cilium's name for dropped bytes.</summary>
    public static readonly MetricDescriptor CiliumDropBytes = Counter(
        "cilium_drop_bytes_total", "Total dropped bytes by reason (Cilium's name and reason text)", "reason", "direction");

    // Flows (Hubble's names), counted from the flow ring.

    /// <summary>Flows processed, Hubble's <c>flows_processed_total</c>.</summary>
    public static readonly MetricDescriptor HubbleFlowsProcessed = Counter(
        "hubble_flows_processed_total", "Total number of flows processed", "protocol", "type", "subtype", "verdict");

    /// <summary>Dropped flows, Hubble's <c>drop_total</c>.</summary>
    public static readonly MetricDescriptor HubbleDrops = Counter(
        "hubble_drop_total", "Number of drops", "reason", "protocol");

    /// <summary>TCP flags of forwarded flows, Hubble's <c>tcp_flags_total</c>.</summary>
    public static readonly MetricDescriptor HubbleTcpFlags = Counter(
        "hubble_tcp_flags_total", "TCP flag occurrences", "flag", "family");

    /// <summary>Destination ports of forwarded, non-reply flows, Hubble's <c>port_distribution_total</c>.</summary>
    public static readonly MetricDescriptor HubblePortDistribution = Counter(
        "hubble_port_distribution_total", "Numbers of packets distributed by destination port", "protocol", "port");

    /// <summary>Flow events lost, by where they were lost, Hubble's <c>lost_events_total</c>.</summary>
    public static readonly MetricDescriptor HubbleLostEvents = Counter(
        "hubble_lost_events_total", "Number of lost events", "source");

    /// <summary>Policy decisions seen in flows.</summary>
    public static readonly MetricDescriptor PolicyVerdicts = Counter(
        "plexus_policy_verdicts_total", "Policy decisions on new connections and policy drops, from flows", "direction", "verdict", "reason");

    // Control plane state.

    /// <summary>Agent build and node.</summary>
    public static readonly MetricDescriptor AgentInfo = Gauge(
        "plexus_agent_info", "Always 1: the agent's version, cluster and node", "version", "cluster", "node");

    /// <summary>Local endpoints.</summary>
    public static readonly MetricDescriptor Endpoints = Gauge(
        "plexus_endpoints", "Endpoints (pods) on this node");

    /// <summary>Identities this node references.</summary>
    public static readonly MetricDescriptor Identities = Gauge(
        "plexus_identities", "Security identities this node's endpoints hold");

    /// <summary>Services the service controller resolved.</summary>
    public static readonly MetricDescriptor Services = Gauge(
        "plexus_services", "Services of the cluster as last resolved by this node");

    /// <summary>Service frontends programmed.</summary>
    public static readonly MetricDescriptor ServiceFrontends = Gauge(
        "plexus_service_frontends", "Service frontends (address, port, protocol) programmed in the datapath");

    /// <summary>Endpoints whose policy is programmed.</summary>
    public static readonly MetricDescriptor PolicyEndpoints = Gauge(
        "plexus_policy_endpoints", "Endpoints with programmed policy");

    /// <summary>Endpoints that are default-deny per direction.</summary>
    public static readonly MetricDescriptor PolicyEnforcedEndpoints = Gauge(
        "plexus_policy_enforced_endpoints", "Endpoints that some policy makes default-deny, by direction", "direction");

    /// <summary>Endpoints whose policy could not be programmed (map full or a map error).</summary>
    public static readonly MetricDescriptor PolicyFailedEndpoints = Gauge(
        "plexus_policy_failed_endpoints", "Endpoints whose last policy sync failed, e.g. the policy map overflowed (kept in a safe state)");

    /// <summary>The policy controller's last revision.</summary>
    public static readonly MetricDescriptor PolicyRevision = Gauge(
        "plexus_policy_revision", "Revision of the last policy computation");

    // Maps.

    /// <summary>Entries per BPF map.</summary>
    public static readonly MetricDescriptor MapEntries = Gauge(
        "plexus_bpf_map_entries", "Entries in a BPF map (counted at most every few seconds)", "map");

    /// <summary>Capacity per BPF map.</summary>
    public static readonly MetricDescriptor MapCapacity = Gauge(
        "plexus_bpf_map_capacity", "Maximum entries of a BPF map", "map");

    /// <summary>Fill ratio per BPF map.</summary>
    public static readonly MetricDescriptor MapPressure = Gauge(
        "plexus_bpf_map_pressure", "Fill ratio of a BPF map, entries / capacity (0-1)", "map");

    // Store.

    /// <summary>Store call latency.</summary>
    public static readonly MetricDescriptor StoreDuration = new(
        "plexus_store_operation_duration_seconds", MetricType.Histogram, "Duration of store (etcd) calls", ["operation", "outcome"]);

    /// <summary>Watch events received.</summary>
    public static readonly MetricDescriptor StoreWatchEvents = Counter(
        "plexus_store_watch_events_total", "Events delivered by store watches", "type");

    /// <summary>Store connectivity.</summary>
    public static readonly MetricDescriptor StoreConnected = Gauge(
        "plexus_store_connected", "1 while the store answers the node's lease keep-alives, else 0");

    /// <summary>Store reconnects.</summary>
    public static readonly MetricDescriptor StoreReconnects = Counter(
        "plexus_store_reconnects_total", "Times the node registered again after losing the store");

    // The exporter itself.

    /// <summary>Collectors that failed during a scrape.</summary>
    public static readonly MetricDescriptor ScrapeErrors = Counter(
        "plexus_metrics_scrape_errors_total", "Scrapes in which a collector failed (its metrics were left out)", "collector");

    // Process and .NET runtime.

    /// <summary>CPU time.</summary>
    public static readonly MetricDescriptor ProcessCpu = Counter(
        "process_cpu_seconds_total", "Total user and system CPU time spent in seconds");

    /// <summary>Resident set size.</summary>
    public static readonly MetricDescriptor ProcessResident = Gauge(
        "process_resident_memory_bytes", "Resident memory size in bytes");

    /// <summary>Virtual memory size.</summary>
    public static readonly MetricDescriptor ProcessVirtual = Gauge(
        "process_virtual_memory_bytes", "Virtual memory size in bytes");

    /// <summary>Start time.</summary>
    public static readonly MetricDescriptor ProcessStart = Gauge(
        "process_start_time_seconds", "Start time of the process since the Unix epoch in seconds");

    /// <summary>Open file descriptors.</summary>
    public static readonly MetricDescriptor ProcessOpenFds = Gauge(
        "process_open_fds", "Number of open file descriptors");

    /// <summary>File descriptor limit.</summary>
    public static readonly MetricDescriptor ProcessMaxFds = Gauge(
        "process_max_fds", "Maximum number of open file descriptors");

    /// <summary>OS threads.</summary>
    public static readonly MetricDescriptor ProcessThreads = Gauge(
        "process_threads", "Number of OS threads of the process");

    /// <summary>GC heap size.</summary>
    public static readonly MetricDescriptor DotnetHeapSize = Gauge(
        "dotnet_gc_heap_size_bytes", "Size of the GC heap after the last collection, fragmentation included");

    /// <summary>Managed memory in use.</summary>
    public static readonly MetricDescriptor DotnetTotalMemory = Gauge(
        "dotnet_total_memory_bytes", "Bytes currently thought to be allocated on the managed heap");

    /// <summary>Allocation volume.</summary>
    public static readonly MetricDescriptor DotnetAllocated = Counter(
        "dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap since the process started");

    /// <summary>Collections per generation.</summary>
    public static readonly MetricDescriptor DotnetCollections = Counter(
        "dotnet_collection_count_total", "Garbage collections since the process started, by generation", "generation");

    /// <summary>Time paused for GC.</summary>
    public static readonly MetricDescriptor DotnetGcPause = Counter(
        "dotnet_gc_pause_seconds_total", "Time the runtime was paused for garbage collection, in seconds");

    /// <summary>Thread pool threads.</summary>
    public static readonly MetricDescriptor DotnetThreadPoolThreads = Gauge(
        "dotnet_threadpool_threads", "Thread pool threads");

    /// <summary>Thread pool queue.</summary>
    public static readonly MetricDescriptor DotnetThreadPoolQueue = Gauge(
        "dotnet_threadpool_queue_length", "Work items queued to the thread pool and not started yet");

    /// <summary>Every family, in exposition order.</summary>
    public static IReadOnlyList<MetricDescriptor> All { get; } =
    [
        DatapathPackets, DatapathBytes, CiliumForwardCount, CiliumForwardBytes, CiliumDropCount, CiliumDropBytes,
        HubbleFlowsProcessed, HubbleDrops, HubbleTcpFlags, HubblePortDistribution, HubbleLostEvents, PolicyVerdicts,
        AgentInfo, Endpoints, Identities, Services, ServiceFrontends,
        PolicyEndpoints, PolicyEnforcedEndpoints, PolicyFailedEndpoints, PolicyRevision,
        MapEntries, MapCapacity, MapPressure,
        StoreDuration, StoreWatchEvents, StoreConnected, StoreReconnects,
        ScrapeErrors,
        ProcessCpu, ProcessResident, ProcessVirtual, ProcessStart, ProcessOpenFds, ProcessMaxFds, ProcessThreads,
        DotnetHeapSize, DotnetTotalMemory, DotnetAllocated, DotnetCollections, DotnetGcPause, DotnetThreadPoolThreads, DotnetThreadPoolQueue,
    ];

    /// <summary>Every series name a query can use (histograms as <c>_bucket</c>, <c>_sum</c>, <c>_count</c>).</summary>
    public static IReadOnlySet<string> SeriesNames { get; } = All.SelectMany(d => d.SeriesNames).ToHashSet(StringComparer.Ordinal);

    private static MetricDescriptor Counter(string name, string help, params string[] labels) => new(name, MetricType.Counter, help, labels);

    private static MetricDescriptor Gauge(string name, string help, params string[] labels) => new(name, MetricType.Gauge, help, labels);
}
