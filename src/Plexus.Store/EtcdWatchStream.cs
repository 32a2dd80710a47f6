using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Plexus.Store;

/// <summary>
/// One logical etcd watch over a prefix, kept alive across connections: it reads the gateway's newline-delimited
/// JSON, and after a broken stream reconnects with backoff from the first revision it has not delivered yet.
/// </summary>
internal sealed class EtcdWatchStream : IDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    private readonly EtcdTransport _transport;
    private readonly ILogger _logger;
    private readonly string _prefix;
    private readonly byte[] _key;
    private readonly byte[] _rangeEnd;
    private HttpResponseMessage? _response;
    private StreamReader? _reader;
    private TimeSpan _backoff = FirstBackoff;

    // The first revision not delivered yet; 0 means "from now" until etcd's created response names the revision.
    private long _next;

    /// <summary>Prepares a watch of keys under <paramref name="prefix"/> from <paramref name="fromRevision"/> (0 = from now).</summary>
    public EtcdWatchStream(EtcdTransport transport, ILogger logger, string prefix, long fromRevision)
    {
        _transport = transport;
        _logger = logger;
        _prefix = prefix;
        (_key, _rangeEnd) = KeySpace.PrefixRange(prefix);
        _next = Math.Max(fromRevision, 0);
    }

    /// <summary>
    /// Waits for the next non-empty batch of events, reconnecting as often as needed. A batch holding a
    /// <see cref="WatchEventType.ResyncRequired"/> event is the last one.
    /// </summary>
    public async Task<IReadOnlyList<WatchEvent>> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var reader = _reader ?? await ConnectAsync(cancellationToken).ConfigureAwait(false);
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                await ReconnectLaterAsync(e.Message, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (line is null)
            {
                await ReconnectLaterAsync("stream ended", cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            EtcdStreamMessage<EtcdWatchResponse>? message;
            try
            {
                message = JsonSerializer.Deserialize(line, EtcdJsonContext.Default.EtcdStreamMessageEtcdWatchResponse);
            }
            catch (JsonException e)
            {
                await ReconnectLaterAsync($"unreadable message: {e.Message}", cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (message?.Result is not { } result)
            {
                await ReconnectLaterAsync($"stream error {message?.Error}", cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (result.Canceled)
            {
                if (result.CompactRevision > 0)
                {
                    EtcdLog.WatchCompacted(_logger, _prefix, result.CompactRevision);
                    return [StoreEvents.ResyncRequired(_prefix, result.CompactRevision)];
                }

                await ReconnectLaterAsync($"canceled by etcd: {result.CancelReason}", cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (result.Created)
            {
                // Only a watch "from now" may take the revision from here: a watch from the past is still catching up.
                if (_next == 0 && result.Header is { } header)
                {
                    _next = header.Revision + 1;
                }

                _backoff = FirstBackoff;
                continue;
            }

            if (result.Events is { Count: > 0 } events)
            {
                var batch = events.Where(e => e.Kv.ModRevision >= _next).Select(ToWatchEvent).ToList();
                if (batch.Count > 0)
                {
                    _next = batch[^1].Revision + 1;
                    return batch;
                }
            }
            else if (result.Header is { } progress)
            {
                // A progress notification: every event up to this revision has been sent.
                _next = Math.Max(_next, progress.Revision + 1);
            }
        }
    }

    /// <summary>Closes the current connection.</summary>
    public void Dispose() => Disconnect();

    private static WatchEvent ToWatchEvent(EtcdEvent etcdEvent)
    {
        var kv = etcdEvent.Kv.ToKeyValue();
        return etcdEvent.Type == "DELETE"
            ? StoreEvents.Deleted(kv.Key, kv.ModRevision)
            : new WatchEvent(WatchEventType.Put, kv, kv.ModRevision);
    }

    private async Task<StreamReader> ConnectAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var request = new EtcdWatchRequest(new EtcdWatchCreateRequest(_key, _rangeEnd, _next, ProgressNotify: true));
            try
            {
                var (response, endpoint) = await _transport
                    .OpenStreamAsync("/v3/watch", request, EtcdJsonContext.Default.EtcdWatchRequest, cancellationToken)
                    .ConfigureAwait(false);
                _response = response;
                var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                _reader = new StreamReader(body, Encoding.UTF8);
                EtcdLog.WatchConnected(_logger, _prefix, endpoint.Authority, _next);
                return _reader;
            }
            catch (Exception e) when (e is StoreUnavailableException or HttpRequestException or IOException)
            {
                await ReconnectLaterAsync(e.Message, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ReconnectLaterAsync(string reason, CancellationToken cancellationToken)
    {
        Disconnect();
        EtcdLog.WatchReconnecting(_logger, _prefix, reason, _backoff, _next);
        await Task.Delay(_backoff, cancellationToken).ConfigureAwait(false);
        _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, MaxBackoff.Ticks));
    }

    private void Disconnect()
    {
        _reader?.Dispose();
        _response?.Dispose();
        (_reader, _response) = (null, null);
    }
}
