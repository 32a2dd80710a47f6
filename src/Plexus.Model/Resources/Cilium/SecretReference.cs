namespace Plexus.Model;

/// <summary>A reference to a secret.</summary>
/// <param name="Namespace">Namespace, when given.</param>
/// <param name="Name">Name.</param>
public sealed record SecretReference(string? Namespace, string Name);
