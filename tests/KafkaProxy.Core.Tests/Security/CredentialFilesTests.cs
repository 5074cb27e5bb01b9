using KafkaProxy.Core.Security;

namespace KafkaProxy.Core.Tests.Security;

public sealed class CredentialFilesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kafka-proxy-credentials-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string content, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        string path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".conf");
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }

        return path;
    }

    [Fact]
    public void ReadJaas_KafkaClientJaasFile_ReturnsUserAndPassword()
    {
        string path = Write("""
            KafkaClient {
              org.apache.kafka.common.security.scram.ScramLoginModule required
              username = "app-user"
              password="p@ss word=;";
            };
            """);

        var credentials = CredentialFiles.ReadJaas(path);

        Assert.Equal(("app-user", "p@ss word=;"), (credentials.Username, credentials.Password));
    }

    [Theory]
    [InlineData("username=\"a\"", "exactly one non-empty password=\"...\" entry; found none")]
    [InlineData("username=\"a\" password=\"\"", "exactly one non-empty password=\"...\" entry; found an empty one")]
    [InlineData("username=\"a\" username=\"b\" password=\"x\"", "exactly one non-empty username=\"...\" entry; found 2")]
    public void ReadJaas_MissingOrRepeatedEntry_SaysWhichWithoutTheSecret(string content, string message)
    {
        string path = Write(content);

        var error = Assert.Throws<InvalidOperationException>(() => CredentialFiles.ReadJaas(path));

        Assert.Equal($"KafkaProxy:UpstreamSasl:JaasConfigFile '{path}' must hold {message}.", error.Message);
        Assert.DoesNotContain("\"x\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadJaas_MissingFile_NamesTheFlag()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CredentialFiles.ReadJaas(Path.Combine(_directory, "absent.conf")));

        Assert.StartsWith("KafkaProxy:UpstreamSasl:JaasConfigFile '", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PermissionWarning_FileReadableByOthers_WarnsWithTheModeAndTheFix()
    {
        string path = Write("x", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        Assert.Equal($"KafkaProxy:UpstreamSasl:JaasConfigFile '{path}' holds secrets but others can read or change it (mode 644): run chmod 600 on it", CredentialFiles.PermissionWarning(path, "KafkaProxy:UpstreamSasl:JaasConfigFile"));
    }

    [Fact]
    public void PermissionWarning_PrivateFile_IsNull()
    {
        Assert.Null(CredentialFiles.PermissionWarning(Write("x", UnixFileMode.UserRead), "KafkaProxy:UpstreamSasl:JaasConfigFile"));
    }
}
