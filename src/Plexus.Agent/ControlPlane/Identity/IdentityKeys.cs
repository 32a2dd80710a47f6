using System.Globalization;
using Plexus.Model.State;

namespace Plexus.Agent.ControlPlane.Identity;

/// <summary>Parses the identity keys and values that <see cref="StoreKeys"/> builds.</summary>
internal static class IdentityKeys
{
    /// <summary>The number in <c>plexus/identities/id/&lt;n&gt;</c>.</summary>
    public static bool TryParseId(string key, out uint identity)
    {
        identity = 0;
        return key.StartsWith(StoreKeys.IdentityIdsPrefix, StringComparison.Ordinal)
            && TryParseNumber(key[StoreKeys.IdentityIdsPrefix.Length..], out identity);
    }

    /// <summary>The number and node in <c>plexus/identities/refs/&lt;n&gt;/&lt;node&gt;</c>.</summary>
    public static bool TryParseRef(string key, out uint identity, out string node)
    {
        identity = 0;
        node = string.Empty;
        if (!key.StartsWith(StoreKeys.IdentityRefsPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = key[StoreKeys.IdentityRefsPrefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == rest.Length - 1 || !TryParseNumber(rest[..slash], out identity))
        {
            return false;
        }

        node = rest[(slash + 1)..];
        return true;
    }

    /// <summary>A decimal identity number as keys and the labels index carry it.</summary>
    public static bool TryParseNumber(string text, out uint identity) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out identity)
        && identity.ToString(CultureInfo.InvariantCulture) == text;
}
