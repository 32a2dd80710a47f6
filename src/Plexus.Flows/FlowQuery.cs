using System.Globalization;

namespace Plexus.Flows;

/// <summary>
/// What a client asks a node for: flows matching <see cref="Include"/> and not <see cref="Exclude"/>, the last
/// <see cref="Last"/> of them within <see cref="Since"/>..<see cref="Until"/>, then, with <see cref="Follow"/>, new ones
/// as they come. Travels as a query string: filter kinds as parameters (<c>from-pod=x/a</c>), excluded ones prefixed
/// <c>not-</c>, plus <c>last</c>, <c>since</c>, <c>until</c> (RFC 3339) and <c>follow</c>.
/// </summary>
public sealed record FlowQuery
{
    /// <summary>Flows must match this.</summary>
    public FlowFilter Include { get; init; } = FlowFilter.Empty;

    /// <summary>Flows matching this (when not empty) are left out.</summary>
    public FlowFilter Exclude { get; init; } = FlowFilter.Empty;

    /// <summary>How many of the stored flows to return, newest last (null: all the ring holds).</summary>
    public int? Last { get; init; }

    /// <summary>Only flows at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only flows at or before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Keep the stream open and send new flows.</summary>
    public bool Follow { get; init; }

    /// <summary>True when <paramref name="flow"/> passes the filters and the time window.</summary>
    public bool Matches(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return (Since is not { } since || flow.Time >= since) && (Until is not { } until || flow.Time <= until)
            && Include.Matches(flow) && (Exclude.IsEmpty || !Exclude.Matches(flow));
    }

    /// <summary>The query string (without <c>?</c>).</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        parts.AddRange(Include.Conditions.Select(c => $"{c.Kind}={Uri.EscapeDataString(c.Value)}"));
        parts.AddRange(Exclude.Conditions.Select(c => $"not-{c.Kind}={Uri.EscapeDataString(c.Value)}"));
        if (Last is { } last)
        {
            parts.Add($"last={last.ToString(CultureInfo.InvariantCulture)}");
        }

        if (Since is { } since)
        {
            parts.Add($"since={Uri.EscapeDataString(since.ToString("O", CultureInfo.InvariantCulture))}");
        }

        if (Until is { } until)
        {
            parts.Add($"until={Uri.EscapeDataString(until.ToString("O", CultureInfo.InvariantCulture))}");
        }

        if (Follow)
        {
            parts.Add("follow=true");
        }

        return string.Join('&', parts);
    }

    /// <summary>Parses query parameters; every bad one is reported in <paramref name="errors"/> (naming the parameter and reason).</summary>
    public static FlowQuery Parse(IEnumerable<KeyValuePair<string, string>> parameters, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(errors);
        var include = new List<(string, string)>();
        var exclude = new List<(string, string)>();
        int? last = null;
        DateTimeOffset? since = null, until = null;
        var follow = false;
        foreach (var (name, value) in parameters)
        {
            switch (name)
            {
                case "last":
                    if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                    {
                        last = n;
                    }
                    else
                    {
                        errors.Add($"last={value}: not a count");
                    }

                    break;
                case "since" or "until":
                    if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                    {
                        if (name == "since")
                        {
                            since = time;
                        }
                        else
                        {
                            until = time;
                        }
                    }
                    else
                    {
                        errors.Add($"{name}={value}: not an RFC 3339 time");
                    }

                    break;
                case "follow":
                    follow = value is "true" or "1" or "";
                    break;
                default:
                    if (name.StartsWith("not-", StringComparison.Ordinal))
                    {
                        exclude.Add((name[4..], value));
                    }
                    else
                    {
                        include.Add((name, value));
                    }

                    break;
            }
        }

        return new FlowQuery
        {
            Include = FlowFilter.Create(include, errors),
            Exclude = FlowFilter.Create(exclude, errors),
            Last = last,
            Since = since,
            Until = until,
            Follow = follow,
        };
    }

    /// <summary>A readable form for messages.</summary>
    public override string ToString() => ToQueryString() is { Length: > 0 } text ? text : "(all flows)";
}
