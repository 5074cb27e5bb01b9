using KafkaProxy.Core.Proxy;

namespace KafkaProxy.Core.Tests.Proxy;

public sealed class InFlightRequestsTests
{
    [Fact]
    public void TryAdd_OverCapacity_Refuses()
    {
        var ring = new InFlightRequests(2);

        Assert.True(ring.TryAdd(new(3, 1, 1, 0)));
        Assert.True(ring.TryAdd(new(3, 1, 2, 0)));
        Assert.False(ring.TryAdd(new(3, 1, 3, 0)));
        Assert.Equal(2, ring.Count);
    }

    [Fact]
    public void PeekAndRemove_ManyTimesAroundTheRing_KeepFifoOrder()
    {
        var ring = new InFlightRequests(3);
        int next = 0;
        for (int correlation = 0; correlation < 1000; correlation++)
        {
            Assert.True(ring.TryAdd(new(0, 9, correlation, 0)));
            if (ring.Count == 3 || correlation == 999)
            {
                while (ring.TryPeek(out var first))
                {
                    Assert.Equal(next++, first.CorrelationId);
                    ring.RemoveFirst();
                }
            }
        }

        Assert.Equal(1000, next);
        Assert.False(ring.TryPeek(out _));
    }
}
