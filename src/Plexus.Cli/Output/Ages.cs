using System.Globalization;

namespace Plexus.Cli.Output;

/// <summary>Formats ages like kubectl: <c>45s</c>, <c>12m</c>, <c>3h5m</c>, <c>4d</c>.</summary>
public static class Ages
{
    /// <summary>The age of something created at <paramref name="since"/>, seen at <paramref name="now"/>.</summary>
    public static string Format(DateTimeOffset? since, DateTimeOffset now)
    {
        if (since is null)
        {
            return "<unknown>";
        }

        var age = now - since.Value;
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age switch
        {
            { TotalMinutes: < 2 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalSeconds}s"),
            { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalMinutes}m"),
            { TotalHours: < 8 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours}h{age.Minutes}m"),
            { TotalDays: < 2 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours}h"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalDays}d"),
        };
    }
}
