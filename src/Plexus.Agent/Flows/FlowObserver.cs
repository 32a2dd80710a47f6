using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Plexus.Datapath.Maps;
using Plexus.Datapath.Node;
using Plexus.Flows;
using Plexus.Interop.Bpf;

namespace Plexus.Agent.Flows;

/// <summary>
/// The node's flow pipeline: the datapath's events ring buffer → a bounded decode queue → <see cref="FlowDecoder"/> →
/// <see cref="Ring"/>. Losses are counted where they happen: the kernel ring (the datapath's per-CPU counter), the
/// decode queue (full), and followers of the flow ring.
/// </summary>
public sealed partial class FlowObserver
{
    private const int QueueCapacity = 16_384;
    private const int BatchSize = 1024;
    private static readonly int EventSize = Marshal.SizeOf<FlowEvent>();
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly ILogger _logger;
    private BpfRingBuffer? _events;
    private NodeDatapath? _datapath;

    /// <summary>An observer keeping <paramref name="capacity"/> flows.</summary>
    public FlowObserver(int capacity, ILogger<FlowObserver> logger)
    {
        Ring = new FlowRing(capacity);
        _logger = logger;
    }

    /// <summary>The node's recent flows.</summary>
    public FlowRing Ring { get; }

    /// <summary>True once events are being read.</summary>
    public bool Active => Volatile.Read(ref _events) is not null;

    /// <summary>Lost events by source (Hubble's names): kernel ring, decode queue, followers.</summary>
    public IReadOnlyList<FlowLostEvents> Lost()
    {
        var kernel = 0L;
        if (Volatile.Read(ref _datapath) is { } datapath)
        {
            try
            {
                kernel = datapath.EventsLost.LookupPerCpu<uint, ulong>(0)?.Sum(v => (long)v) ?? 0;
            }
            catch (BpfException)
            {
                // The map went away with the datapath: report what is known.
            }
        }

        return
        [
            new(FlowLostEvents.KernelRing, kernel),
            new(FlowLostEvents.DecodeQueue, Volatile.Read(ref _events)?.DroppedCount ?? 0),
            new(FlowLostEvents.FollowerQueue, Ring.FollowerLost),
        ];
    }

    /// <summary>Reads <paramref name="datapath"/>'s events until cancelled, decoding with <paramref name="resolver"/>.</summary>
    public async Task RunAsync(NodeDatapath datapath, IFlowResolver resolver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(datapath);
        var queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
        var decoder = FlowDecoder.WithSystemClock(resolver);
        // The datapath wakes the reader only once a batch waits (bpf/lib/events.h); the timer bounds a lone event's delay.
        using var events = new BpfRingBuffer(datapath.Events, queue.Writer) { PollInterval = PollInterval };
        Volatile.Write(ref _datapath, datapath);
        events.Start(cancellationToken);
        Volatile.Write(ref _events, events);
        LogStarted(_logger, Ring.Capacity);
        var batch = new List<Flow>(BatchSize);
        try
        {
            // The datapath delivers events in bursts; decode what waits, then add it to the ring at once, so the ring's
            // followers (metrics, export, API streams) wake once per burst rather than once per flow.
            while (await queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (batch.Count < BatchSize && queue.Reader.TryRead(out var record))
                {
                    // Every record is one struct flow_event; anything shorter is not ours to decode.
                    if (record.Length >= EventSize)
                    {
                        batch.Add(decoder.Decode(record));
                    }
                }

                Ring.AddRange(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            Volatile.Write(ref _events, null);
        }
    }

    [LoggerMessage(EventId = 1800, Level = LogLevel.Information, Message = "Flow observer started: ring of {Capacity} flows")]
    private static partial void LogStarted(ILogger logger, int capacity);
}
