namespace Plexus.Model;

/// <summary>What a scalar resolves to under the YAML 1.2 core schema (quoted scalars are always strings).</summary>
internal enum ScalarType
{
    /// <summary><c>null</c>, <c>~</c> or nothing.</summary>
    Null,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A plain decimal, octal (<c>0o</c>) or hexadecimal (<c>0x</c>) integer.</summary>
    Integer,

    /// <summary>A plain floating-point number.</summary>
    Float,

    /// <summary>Anything else, and every quoted or block scalar.</summary>
    String,
}
