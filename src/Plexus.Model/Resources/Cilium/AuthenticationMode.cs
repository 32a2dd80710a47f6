namespace Plexus.Model;

/// <summary>Mutual authentication requirement of a rule.</summary>
public enum AuthenticationMode
{
    /// <summary><c>disabled</c>.</summary>
    Disabled,

    /// <summary><c>required</c>.</summary>
    Required,

    /// <summary><c>test-always-fail</c>.</summary>
    TestAlwaysFail,
}
