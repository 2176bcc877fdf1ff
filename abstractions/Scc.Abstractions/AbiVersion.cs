namespace Scc.Abstractions;

/// <summary>
/// The version of the plugin ABI this assembly defines. A plugin's manifest names the range of ABI versions it
/// was built against (<c>abi.min</c>..<c>abi.max</c>); the host refuses a plugin whose range excludes
/// <see cref="Current"/> without loading any of its code.
/// </summary>
public static class AbiVersion
{
    /// <summary>The ABI version of this build of <c>Scc.Abstractions</c>. It changes only on a breaking change.</summary>
    public const int Current = 1;
}
