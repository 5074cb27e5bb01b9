using KafkaProxy.Core.Flushing;

namespace KafkaProxy.Core.Tests.Flushing;

public sealed class FileTopicStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("topic-store-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Load_NoFileYet_IsNull()
    {
        var store = new FileTopicStore(Path.Combine(_directory, "missing", "topic"));

        Assert.Null(await store.LoadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Save_ThenLoadFromANewStore_ReturnsTheNewTopic_AndLeavesNoTemporaryFile()
    {
        string path = Path.Combine(_directory, "state", "topic");
        await new FileTopicStore(path).SaveAsync("first", CancellationToken.None);
        await new FileTopicStore(path).SaveAsync("second", CancellationToken.None);

        string? loaded = await new FileTopicStore(path).LoadAsync(CancellationToken.None);

        Assert.Equal("second", loaded);
        Assert.Equal(["topic"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Load_FileWithAnInvalidTopic_SaysWhichFileAndWhatToDo()
    {
        string path = Path.Combine(_directory, "topic");
        await File.WriteAllTextAsync(path, "not a topic");

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await new FileTopicStore(path).LoadAsync(CancellationToken.None));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("Fix or delete the file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_PathIsADirectory_ThrowsAndLeavesNoTemporaryFile()
    {
        string path = Path.Combine(_directory, "topic");
        Directory.CreateDirectory(path);

        await Assert.ThrowsAnyAsync<IOException>(async () => await new FileTopicStore(path).SaveAsync("t", CancellationToken.None));

        Assert.Equal(["topic"], Directory.GetFileSystemEntries(_directory).Select(Path.GetFileName));
    }
}
