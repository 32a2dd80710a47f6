using System.Globalization;

namespace Plexus.Lab.Runtime;

/// <summary>The TCP ports listening and UDP ports bound in a process's network namespace, from <c>/proc/&lt;pid&gt;/net</c>.</summary>
public static class ListeningPorts
{
    private const string TcpListen = "0A";
    private const string UdpUnconnected = "07";

    /// <summary><c>port/proto</c> strings (e.g. <c>80/tcp</c>) open in the namespace of <paramref name="pid"/>; empty when it is gone.</summary>
    public static IReadOnlySet<string> Of(int pid)
    {
        var ports = new HashSet<string>(StringComparer.Ordinal);
        var root = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/net/";
        foreach (var (file, protocol, state) in new[] { ("tcp", "tcp", TcpListen), ("tcp6", "tcp", TcpListen), ("udp", "udp", UdpUnconnected), ("udp6", "udp", UdpUnconnected) })
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(root + file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            // "  sl  local_address rem_address   st …": local_address is HEXIP:HEXPORT.
            foreach (var line in lines.Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 3 && fields[3] == state && fields[1].LastIndexOf(':') is var colon and > 0
                    && int.TryParse(fields[1].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var port))
                {
                    ports.Add($"{port.ToString(CultureInfo.InvariantCulture)}/{protocol}");
                }
            }
        }

        return ports;
    }
}
