using KafkaProxy.Core.Flushing;

namespace KafkaProxy.Core.Tests.Flushing;

public sealed class TopicNameTests
{
    [Theory]
    [InlineData("events")]
    [InlineData("a")]
    [InlineData("Orders.v2_eu-west")]
    [InlineData("...")]
    public void IsValid_KafkaTopicNames_AreAccepted(string topic)
    {
        Assert.True(TopicName.IsValid(topic, out string problem), problem);
    }

    [Fact]
    public void IsValid_249Characters_IsTheLongestAccepted()
    {
        Assert.True(TopicName.IsValid(new string('x', 249), out _));
        Assert.False(TopicName.IsValid(new string('x', 250), out string problem));
        Assert.Equal("the topic name has 250 characters; Kafka allows at most 249", problem);
    }

    [Theory]
    [InlineData("", "the topic name is empty")]
    [InlineData(null, "the topic name is empty")]
    [InlineData(".", "'.' is not a valid topic name")]
    [InlineData("..", "'..' is not a valid topic name")]
    [InlineData("a/b", "contains '/'")]
    [InlineData("a b", "contains ' '")]
    [InlineData("ü", "contains 'ü'")]
    [InlineData("a\nb", "contains '\\u000a'")]
    public void IsValid_OtherNames_AreRefusedWithTheReason(string? topic, string problem)
    {
        Assert.False(TopicName.IsValid(topic, out string actual));
        Assert.Contains(problem, actual, StringComparison.Ordinal);
    }
}
