using System.Net;
using Microsoft.Extensions.Logging;
using Plexus.Model;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.ControlPlane.Ipam;

/// <summary>
/// Per-node pod CIDR blocks: the cluster pod CIDR is cut into blocks of one size, and a node owns a block by
/// CAS-creating <c>plexus/ipam/&lt;cluster&gt;/&lt;block&gt;</c> with its name. Blocks carry no lease: a node keeps its
/// block across agent restarts and store outages, and gives it back only through <see cref="ReleaseAsync"/>.
/// </summary>
public sealed partial class BlockAllocator
{
    /// <summary>The block size used when the configuration names none: one /24 per node.</summary>
    public const int DefaultBlockPrefixLength = 24;

    private readonly IStore _store;
    private readonly string _cluster;
    private readonly string _node;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the allocator of <paramref name="node"/> for blocks of /<paramref name="blockPrefixLength"/> inside <paramref name="podCidr"/>.</summary>
    public BlockAllocator(
        IStore store, string cluster, string node, Cidr podCidr, int blockPrefixLength, TimeProvider timeProvider, ILogger<BlockAllocator> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(cluster);
        ArgumentException.ThrowIfNullOrEmpty(node);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockPrefixLength, podCidr.PrefixLength);

        // A block holds at least the network address, the gateway and one pod (plus the broadcast address on IPv4).
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockPrefixLength, podCidr.AddressLength - 2);
        (_store, _cluster, _node, _timeProvider, _logger) = (store, cluster, node, timeProvider, logger);
        PodCidr = podCidr;
        BlockPrefixLength = blockPrefixLength;
    }

    /// <summary>The cluster pod CIDR the blocks are cut from.</summary>
    public Cidr PodCidr { get; }

    /// <summary>The prefix length of every block.</summary>
    public int BlockPrefixLength { get; }

    /// <summary>
    /// Returns the block this node owns (lowest first if several), or claims the lowest free one. Claiming is a
    /// create-if-absent per block, so two nodes never own the same block; the result is a value, exhaustion included.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<BlockClaim> ClaimAsync(CancellationToken cancellationToken = default)
    {
        var blocks = await ListBlocksAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (block, _) in blocks.Where(b => b.Record.Node == _node && !IsOurShape(b.Block)))
        {
            LogForeignShape(_logger, _cluster, _node, block, PodCidr, BlockPrefixLength);
        }

        var mine = blocks.Where(b => b.Record.Node == _node && IsOurShape(b.Block)).Select(b => b.Block).Order().ToList();
        if (mine.Count > 0)
        {
            if (mine.Count > 1)
            {
                LogSeveralBlocks(_logger, _cluster, _node, string.Join(", ", mine));
            }

            LogReused(_logger, _cluster, _node, mine[0]);
            return new BlockClaim(BlockClaimStatus.Reused, mine[0], $"node {_node} already owns block {mine[0]}");
        }

        var taken = blocks.Select(b => b.Block).ToList();
        var count = AddressMath.Size(BlockPrefixLength, PodCidr.PrefixLength);
        var first = AddressMath.Network(PodCidr);
        var size = AddressMath.Size(PodCidr.AddressLength, BlockPrefixLength);
        for (UInt128 i = 0; i < count; i++)
        {
            var candidate = AddressMath.ToCidr(first + (i * size), BlockPrefixLength, PodCidr.IsIPv6);
            if (taken.Any(t => t.Overlaps(candidate)))
            {
                continue;
            }

            var record = new IpamBlockRecord { Cidr = candidate.ToString(), Cluster = _cluster, Node = _node, ClaimedAt = _timeProvider.GetUtcNow() };
            var created = await _store.CreateAsync(StoreKeys.IpamBlock(_cluster, candidate), record.ToJson(), 0, cancellationToken).ConfigureAwait(false);
            if (created.Succeeded)
            {
                LogClaimed(_logger, _cluster, _node, candidate);
                return new BlockClaim(BlockClaimStatus.Claimed, candidate, $"node {_node} claimed block {candidate}");
            }

            // Another node claimed it since the list: try the next one.
        }

        LogExhausted(_logger, _cluster, PodCidr, BlockPrefixLength);
        return new BlockClaim(
            BlockClaimStatus.Exhausted,
            null,
            $"pod CIDR {PodCidr} of cluster {_cluster} has no free /{BlockPrefixLength} block left for node {_node} (release blocks of removed nodes)");
    }

    /// <summary>
    /// Gives a block back: deletes this node's address records in it, then the ownership key (only if this node owns it).
    /// Returns false when the node does not own <paramref name="block"/>.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<bool> ReleaseAsync(Cidr block, CancellationToken cancellationToken = default)
    {
        var key = StoreKeys.IpamBlock(_cluster, block);
        var current = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (current is null || IpamBlockRecord.FromJson(current.Value)?.Node != _node)
        {
            return false;
        }

        var addresses = await _store.ListAsync(StoreKeys.IpamAddressesPrefix(_cluster, _node), cancellationToken).ConfigureAwait(false);
        foreach (var kv in addresses.Items)
        {
            if (IpamAddressRecord.FromJson(kv.Value) is { } address && IPAddress.TryParse(address.Address, out var ip) && block.Contains(ip))
            {
                await _store.DeleteAsync(kv.Key, cancellationToken).ConfigureAwait(false);
            }
        }

        var deleted = await _store.DeleteIfAsync(key, current.ModRevision, cancellationToken).ConfigureAwait(false);
        if (deleted.Succeeded)
        {
            LogReleased(_logger, _cluster, _node, block);
        }

        return deleted.Succeeded;
    }

    /// <summary>Every block record of the cluster, in key order (for status output and the CLI).</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<IReadOnlyList<IpamBlockRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        (await ListBlocksAsync(cancellationToken).ConfigureAwait(false)).Select(b => b.Record).ToList();

    private async Task<List<(Cidr Block, IpamBlockRecord Record)>> ListBlocksAsync(CancellationToken cancellationToken)
    {
        var prefix = StoreKeys.IpamPrefix(_cluster);
        var list = await _store.ListAsync(prefix, cancellationToken).ConfigureAwait(false);
        var blocks = new List<(Cidr, IpamBlockRecord)>();
        foreach (var kv in list.Items)
        {
            if (StoreKeys.TryParseIpamBlockName(kv.Key[prefix.Length..], out var block) && IpamBlockRecord.FromJson(kv.Value) is { } record)
            {
                blocks.Add((block, record));
            }
            else
            {
                LogUnreadableBlock(_logger, kv.Key);
            }
        }

        return blocks;
    }

    private bool IsOurShape(Cidr block) => block.PrefixLength == BlockPrefixLength && PodCidr.Contains(block);

    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "IPAM {Cluster}/{Node}: reusing owned block {Block}")]
    private static partial void LogReused(ILogger logger, string cluster, string node, Cidr block);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "IPAM {Cluster}/{Node}: claimed block {Block}")]
    private static partial void LogClaimed(ILogger logger, string cluster, string node, Cidr block);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "IPAM {Cluster}: pod CIDR {PodCidr} has no free /{PrefixLength} block")]
    private static partial void LogExhausted(ILogger logger, string cluster, Cidr podCidr, int prefixLength);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "IPAM {Cluster}/{Node}: released block {Block}")]
    private static partial void LogReleased(ILogger logger, string cluster, string node, Cidr block);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "IPAM {Cluster}/{Node} owns several blocks ({Blocks}); using the first")]
    private static partial void LogSeveralBlocks(ILogger logger, string cluster, string node, string blocks);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Warning,
        Message = "IPAM {Cluster}/{Node} owns block {Block}, which is not a /{PrefixLength} of pod CIDR {PodCidr}; ignoring it (release it explicitly)")]
    private static partial void LogForeignShape(ILogger logger, string cluster, string node, Cidr block, Cidr podCidr, int prefixLength);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "IPAM: ignoring unreadable block key {Key}")]
    private static partial void LogUnreadableBlock(ILogger logger, string key);
}
