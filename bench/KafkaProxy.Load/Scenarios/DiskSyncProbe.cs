using System.Diagnostics;

namespace KafkaProxy.Load.Scenarios;

/// <summary>
/// What the disk alone costs the spool: the time to write one request's records and fsync them, over and over, in a
/// file in the spool's directory, once written over in place (as the spool writes a reused segment file) and once
/// appended (as into a new file). No gateway process gets a lone client's answer sooner than memory mode's plus this.
/// </summary>
internal static class DiskSyncProbe
{
    private const int Writes = 1000;

    /// <summary>p50 and p99 in milliseconds of a write of <paramref name="bytes"/> and an fsync, in place and appended.</summary>
    public static DiskSyncResult Measure(string directory, int bytes)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "disk-probe-" + Guid.NewGuid().ToString("N"));
        byte[] block = new byte[bytes];
        Random.Shared.NextBytes(block);
        try
        {
            var appended = Time(path, block, inPlace: false);
            var inPlace = Time(path, block, inPlace: true); // over what the append wrote
            return new DiskSyncResult(inPlace.P50, inPlace.P99, appended.P50, appended.P99);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (double P50, double P99) Time(string path, byte[] block, bool inPlace)
    {
        double[] millis = new double[Writes];
        using (var file = new FileStream(path, inPlace ? FileMode.Open : FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            for (int i = 0; i < Writes; i++)
            {
                long start = Stopwatch.GetTimestamp();
                file.Write(block);
                file.Flush(flushToDisk: true);
                millis[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        Array.Sort(millis);
        return (millis[Writes / 2], millis[Writes * 99 / 100]);
    }
}

/// <summary>What <see cref="DiskSyncProbe"/> measured, in milliseconds.</summary>
internal readonly record struct DiskSyncResult(double InPlaceP50, double InPlaceP99, double AppendP50, double AppendP99);
