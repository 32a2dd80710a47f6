using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plexus.Flows;

namespace Plexus.Agent.Flows;

/// <summary>
/// Writes every flow of the node to a JSON-lines file for SIEM ingestion, one Hubble <c>GetFlowsResponse</c> per line
/// (as <c>plexus observe -o json</c> prints them). When the next line would take the file past
/// <see cref="MaxSize"/> it is rotated by renaming: <c>flows.log</c> → <c>flows.log.1</c> → … →
/// <c>flows.log.&lt;MaxFiles&gt;</c>, the oldest deleted (the scheme of Hubble's exporter: <c>MaxFiles</c> rotated files
/// besides the live one). Flows come from a follower of the flow ring; flows it loses are written as a
/// <c>lost_events</c> line. A write error (disk full, file removed) is logged once and the file is reopened for the
/// next flow; exporting never stops the agent.
/// </summary>
public sealed partial class FlowExporter : BackgroundService
{
    /// <summary>Default size at which the file is rotated (10 MiB, as Hubble's exporter).</summary>
    public const long DefaultMaxSize = 10L * 1024 * 1024;

    /// <summary>Default number of rotated files kept (5, as Hubble's exporter).</summary>
    public const int DefaultMaxFiles = 5;

    private const int QueueCapacity = 65_536;
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly FlowRing? _ring;
    private readonly string _node;
    private readonly ILogger _logger;
    private FileStream? _file;
    private bool _failing;

    /// <summary>An exporter of <paramref name="ring"/>'s flows to <paramref name="path"/>; <paramref name="node"/> is <c>cluster/node</c>.</summary>
    public FlowExporter(string path, long maxSize, int maxFiles, FlowRing? ring, string node, ILogger<FlowExporter> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFiles, 1);
        Path = System.IO.Path.GetFullPath(path);
        MaxSize = maxSize;
        MaxFiles = maxFiles;
        _ring = ring;
        _node = node;
        _logger = logger;
    }

    /// <summary>The live file.</summary>
    public string Path { get; }

    /// <summary>Rotate before the file would grow past this many bytes.</summary>
    public long MaxSize { get; }

    /// <summary>Rotated files kept besides the live one.</summary>
    public int MaxFiles { get; }

    /// <summary>Lines written since start.</summary>
    public long Written { get; private set; }

    /// <summary>Writes one flow line (rotating first if needed); false when the write failed.</summary>
    public bool Write(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return WriteLine(new FlowResponse { Flow = flow, NodeName = _node, Time = flow.Time });
    }

    /// <summary>Writes one lost-events line; false when the write failed.</summary>
    public bool WriteLost(long count, DateTimeOffset time) =>
        WriteLine(new FlowResponse { LostEvents = new FlowLostEvents(FlowLostEvents.FollowerQueue, count), NodeName = _node, Time = time });

    /// <summary>Pushes buffered lines to the file.</summary>
    public void Flush()
    {
        try
        {
            _file?.Flush();
        }
        catch (IOException e)
        {
            Fail(e);
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        Close();
        base.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_ring is null)
        {
            return;
        }

        var (_, follower) = _ring.Follow(new FlowQuery { Last = 0, Follow = true }, QueueCapacity);
        using (follower)
        {
            LogExporting(_logger, Path, MaxSize, MaxFiles);
            var reported = 0L;
            try
            {
                while (await follower.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
                {
                    while (follower.Reader.TryRead(out var flow))
                    {
                        Write(flow);
                    }

                    if (follower.Lost is var lost && lost > reported)
                    {
                        WriteLost(lost - reported, DateTimeOffset.UtcNow);
                        reported = lost;
                    }

                    // A burst is written through one buffer; the file sees it when the queue runs dry.
                    Flush();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping.
            }
            finally
            {
                Close();
            }
        }
    }

    private bool WriteLine(FlowResponse response)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(response, FlowsJsonContext.Default.FlowResponse);
        try
        {
            var file = _file ??= Open();
            if (file.Length > 0 && file.Length + line.Length + 1 > MaxSize)
            {
                Close();
                Rotate();
                file = _file = Open();
            }

            file.Write(line);
            file.Write(NewLine);
            Written++;
            if (_failing)
            {
                _failing = false;
                LogRecovered(_logger, Path);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(e);
            return false;
        }
    }

    private FileStream Open()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        return new FileStream(Path, new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.Read | FileShare.Delete,
            BufferSize = 64 * 1024,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
    }

    /// <summary>flows.log.(N-1) → .N, …, flows.log → .1; the oldest is overwritten.</summary>
    private void Rotate()
    {
        File.Delete($"{Path}.{MaxFiles}");
        for (var i = MaxFiles - 1; i >= 1; i--)
        {
            var from = $"{Path}.{i}";
            if (File.Exists(from))
            {
                File.Move(from, $"{Path}.{i + 1}", overwrite: true);
            }
        }

        File.Move(Path, $"{Path}.1", overwrite: true);
    }

    private void Fail(Exception e)
    {
        // Drop the handle so the next line reopens (the file may have been deleted or the disk freed).
        try
        {
            _file?.Dispose();
        }
        catch (IOException)
        {
            // The buffered lines are lost with the failed file.
        }

        _file = null;
        if (!_failing)
        {
            _failing = true;
            LogWriteFailed(_logger, Path, e.Message);
        }
    }

    private void Close()
    {
        if (_file is { } file)
        {
            _file = null;
            try
            {
                file.Dispose();
            }
            catch (IOException e)
            {
                Fail(e);
            }
        }
    }

    [LoggerMessage(EventId = 1950, Level = LogLevel.Information, Message = "Exporting flows to {Path} (rotated at {MaxSize} bytes, {MaxFiles} old files kept)")]
    private static partial void LogExporting(ILogger logger, string path, long maxSize, int maxFiles);

    [LoggerMessage(EventId = 1951, Level = LogLevel.Warning, Message = "Flow export to {Path} failed; flows are dropped until a write succeeds: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 1952, Level = LogLevel.Information, Message = "Flow export to {Path} works again")]
    private static partial void LogRecovered(ILogger logger, string path);
}
