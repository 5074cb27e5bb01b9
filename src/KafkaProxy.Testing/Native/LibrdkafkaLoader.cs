using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.InteropServices;

namespace KafkaProxy.Testing.Native;

/// <summary>
/// Makes this assembly's P/Invoke calls bind to the very librdkafka image that Confluent.Kafka loaded.
/// </summary>
/// <remarks>
/// The redist package ships several builds of librdkafka; Confluent.Kafka picks one that loads on the
/// machine (on Debian 12 not the default one, which needs libsasl2.so.3). Binding a second copy by
/// name would either fail or give us a separate library instance, so we find the mapped file in
/// /proc/self/maps and load that exact path.
/// </remarks>
internal static class LibrdkafkaLoader
{
    internal const string LibraryName = "librdkafka";

    private static readonly Lock Gate = new();
    private static IntPtr s_handle;
    private static string? s_failure;

    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (s_handle != IntPtr.Zero)
            {
                return;
            }

            if (s_failure is not null)
            {
                throw new PlatformNotSupportedException(s_failure);
            }

            try
            {
                s_handle = LoadSameImageAsConfluent();
                NativeLibrary.SetDllImportResolver(typeof(LibrdkafkaLoader).Assembly, Resolve);
            }
            catch (Exception ex) when (ex is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or InvalidOperationException or IOException)
            {
                s_failure = "KafkaTestCluster needs librdkafka's mock cluster from the librdkafka.redist package, " +
                    $"and it could not be loaded on {RuntimeInformation.RuntimeIdentifier}: {ex.Message}. " +
                    "Supported are the platforms librdkafka.redist ships native builds for (linux-x64, linux-arm64, osx, win-x64). " +
                    $"A published app loads them from its folder ({AppContext.BaseDirectory}): copy the librdkafka files dotnet publish put there along with the app.";
                throw new PlatformNotSupportedException(s_failure, ex);
            }
        }
    }

    // Confluent.Kafka binds librdkafka by finding its P/Invoke methods with reflection; the dependencies keep those
    // methods in trimmed and native AOT apps, where they would otherwise be removed as unused.
    [DynamicDependency(DynamicallyAccessedMemberTypes.NonPublicMethods, "Confluent.Kafka.Impl.NativeMethods.NativeMethods", "Confluent.Kafka")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.NonPublicMethods, "Confluent.Kafka.Impl.NativeMethods.NativeMethods_Centos8", "Confluent.Kafka")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.NonPublicMethods, "Confluent.Kafka.Impl.NativeMethods.NativeMethods_Alpine", "Confluent.Kafka")]
    private static IntPtr LoadSameImageAsConfluent()
    {
        Confluent.Kafka.Library.Load();

        if (OperatingSystem.IsLinux())
        {
            string? mapped = FindMappedLibrdkafka();
            if (mapped is not null)
            {
                return NativeLibrary.Load(mapped);
            }
        }

        // Elsewhere the default probing finds the single copy Confluent.Kafka resolved.
        return NativeLibrary.Load(LibraryName, typeof(Confluent.Kafka.Library).Assembly, DllImportSearchPath.SafeDirectories | DllImportSearchPath.AssemblyDirectory);
    }

    private static string? FindMappedLibrdkafka()
    {
        foreach (string line in File.ReadLines("/proc/self/maps"))
        {
            int slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                continue;
            }

            string path = line[slash..];
            if (Path.GetFileName(path).Contains("librdkafka", StringComparison.Ordinal) && path.EndsWith(".so", StringComparison.Ordinal))
            {
                return path;
            }
        }

        return null;
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        => libraryName == LibraryName ? s_handle : IntPtr.Zero;
}
