using KafkaProxy.Http.Gateway;

namespace KafkaProxy.Http.Tests.Gateway;

public sealed class AccessTokenTests
{
    [Theory]
    [InlineData("s3cret-token", true)]
    [InlineData("s3cret-toke", false)]
    [InlineData("s3cret-token ", false)]
    [InlineData("S3CRET-TOKEN", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Matches_ComparesTheWholeValueExactly(string? presented, bool expected)
    {
        var token = new AccessToken("s3cret-token");

        Assert.Equal(expected, token.Matches(presented));
    }
}
