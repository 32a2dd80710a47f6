using System.Net;

namespace Plexus.Cli.Bench;

/// <summary>A server's address as a measuring tool reaches it: from inside network namespace <see cref="Netns"/> (the caller's when null).</summary>
public sealed record NetnsEndpoint(string? Netns, IPEndPoint Endpoint)
{
    /// <summary>Parses <c>[NETNS=]IP:PORT</c>; null when it is not that.</summary>
    public static NetnsEndpoint? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var equals = text.LastIndexOf('=');
        if (equals == 0)
        {
            return null;
        }

        var netns = equals > 0 ? text[..equals] : null;
        return IPEndPoint.TryParse(text[(equals + 1)..], out var endpoint) && endpoint.Port != 0 ? new NetnsEndpoint(netns, endpoint) : null;
    }

    /// <inheritdoc/>
    public override string ToString() => Netns is null ? Endpoint.ToString() : $"{Netns}={Endpoint}";
}
