using System.Globalization;

namespace KafkaProxy.Load;

/// <summary>What the load program is doing, a line at a time on stdout with the time of day.</summary>
internal static class Progress
{
    public static void Say(string line) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.UtcNow:HH:mm:ss}] {line}"));

    /// <summary>Writes a finished report to <paramref name="directory"/>/<paramref name="fileName"/>, prints it, and returns its path.</summary>
    public static async Task<string> PublishAsync(string directory, string fileName, string markdown)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, fileName);
        await File.WriteAllTextAsync(path, markdown);
        Console.WriteLine();
        Console.WriteLine(markdown);
        return path;
    }
}
