namespace System.Runtime.CompilerServices;

// netstandard2.0 lacks the type that init accessors and records need; the compiler only looks for its name.
internal static class IsExternalInit
{
}
