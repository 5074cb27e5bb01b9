using System.Text;

namespace KafkaProxy.Core.Flushing;

/// <summary>
/// Keeps the topic in a small text file. A save writes a temporary file beside it, flushes it to disk, renames it over
/// the old one and flushes the directory, so a crash leaves either the old topic or the new one, never a torn file.
/// </summary>
internal sealed class FileTopicStore : ITopicStore
{
    private readonly string _path;

    /// <summary>Stores the topic at <paramref name="path"/>; its directory is created on the first save.</summary>
    public FileTopicStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
    }

    /// <inheritdoc/>
    public async ValueTask<string?> LoadAsync(CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(_path, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        string topic = text.Trim();
        if (!TopicName.IsValid(topic, out string problem))
        {
            throw new InvalidDataException($"The topic cache file {_path} does not hold a valid topic ({problem}). Fix or delete the file.");
        }

        return topic;
    }

    /// <inheritdoc/>
    public async ValueTask SaveAsync(string topic, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        string directory = Path.GetDirectoryName(_path)!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(_path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                await file.WriteAsync(Encoding.UTF8.GetBytes(topic + "\n"), cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, _path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        DirectorySync.Flush(directory);
    }
}
