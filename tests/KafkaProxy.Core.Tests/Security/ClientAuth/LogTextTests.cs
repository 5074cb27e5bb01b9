using KafkaProxy.Core.Security.ClientAuth;

namespace KafkaProxy.Core.Tests.Security.ClientAuth;

public sealed class LogTextTests
{
    [Fact]
    public void Quote_ControlCharacters_AreReplacedSoNoLineCanBeForged()
    {
        Assert.Equal("'app?Warning 2007 forged?x'", LogText.Quote("app\nWarning 2007 forged\rx"));
    }

    [Fact]
    public void Quote_LongText_IsCutAt128Characters()
    {
        string quoted = LogText.Quote(new string('u', 5000));

        Assert.Equal(128 + 3, quoted.Length);
        Assert.EndsWith("u…'", quoted, StringComparison.Ordinal);
    }

    [Fact]
    public void Quote_OrdinaryName_IsOnlyQuoted()
    {
        Assert.Equal("'team:app,=ü'", LogText.Quote("team:app,=ü"));
    }
}
