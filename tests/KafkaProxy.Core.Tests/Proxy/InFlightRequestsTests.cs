using CsCheck;
using KafkaProxy.Core.Proxy;

namespace KafkaProxy.Core.Tests.Proxy;

public sealed class InFlightRequestsTests
{
    private static InFlightRequests.Entry Request(int correlationId) => new(ApiKey: 3, ApiVersion: 12, correlationId, StartTimestamp: 1000L + correlationId);

    private static InFlightRequests.Entry TakeFirst(InFlightRequests ring)
    {
        Assert.True(ring.TryPeek(out var first));
        ring.RemoveFirst();
        return first;
    }

    [Fact]
    public void TryPeek_Empty_ReturnsFalseAndDefault()
    {
        var ring = new InFlightRequests(4);

        Assert.False(ring.TryPeek(out var entry));
        Assert.Equal(default, entry);
        Assert.Equal(0, ring.Count);
    }

    [Fact]
    public void TryPeek_AfterSeveralAdds_ReturnsTheOldestWithEveryField()
    {
        var ring = new InFlightRequests(4);
        var oldest = new InFlightRequests.Entry(ApiKey: 18, ApiVersion: 3, CorrelationId: -5, StartTimestamp: long.MaxValue);
        ring.TryAdd(oldest);
        ring.TryAdd(Request(1));

        Assert.True(ring.TryPeek(out var first));
        Assert.Equal(oldest, first);
    }

    [Fact]
    public void TryPeek_CalledTwice_DoesNotRemove()
    {
        var ring = new InFlightRequests(4);
        ring.TryAdd(Request(1));

        Assert.True(ring.TryPeek(out var once));
        Assert.True(ring.TryPeek(out var twice));

        Assert.Equal(once, twice);
        Assert.Equal(1, ring.Count);
    }

    [Fact]
    public void PeekAndRemove_AfterAdds_ReturnRequestsInFifoOrder()
    {
        var ring = new InFlightRequests(8);
        int[] correlations = [42, 7, 1_000_000, 0, -1, 7];
        foreach (int c in correlations)
        {
            Assert.True(ring.TryAdd(Request(c)));
        }

        var taken = correlations.Select(_ => TakeFirst(ring).CorrelationId).ToArray();

        Assert.Equal(correlations, taken);
        Assert.Equal(0, ring.Count);
        Assert.False(ring.TryPeek(out _));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1024)]
    public void TryAdd_AtCapacity_ReturnsFalseAndKeepsTheQueue(int capacity)
    {
        var ring = new InFlightRequests(capacity);
        for (int i = 0; i < capacity; i++)
        {
            Assert.True(ring.TryAdd(Request(i)));
        }

        Assert.False(ring.TryAdd(Request(-1)));
        Assert.False(ring.TryAdd(Request(-2)));

        Assert.Equal(capacity, ring.Count);
        Assert.Equal(Enumerable.Range(0, capacity), Enumerable.Range(0, capacity).Select(_ => TakeFirst(ring).CorrelationId));
    }

    [Fact]
    public void TryAdd_AfterRemovingFromAFullRing_AcceptsOneMore()
    {
        var ring = new InFlightRequests(2);
        ring.TryAdd(Request(1));
        ring.TryAdd(Request(2));
        Assert.False(ring.TryAdd(Request(3)));

        ring.RemoveFirst();

        Assert.True(ring.TryAdd(Request(3)));
        Assert.False(ring.TryAdd(Request(4)));
        Assert.Equal([2, 3], [TakeFirst(ring).CorrelationId, TakeFirst(ring).CorrelationId]);
    }

    [Fact]
    public void TryAdd_ZeroCapacity_AlwaysRefuses()
    {
        var ring = new InFlightRequests(0);

        Assert.False(ring.TryAdd(Request(1)));
        Assert.False(ring.TryPeek(out _));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void PeekAndRemove_ManyTimesAroundTheRing_KeepFifoOrder(int capacity)
    {
        // Fill to capacity then drain, with batches whose size does not divide the capacity, so the head and the
        // tail cross the end of the array at every offset.
        var ring = new InFlightRequests(capacity);
        int added = 0;
        int removed = 0;
        for (int round = 0; round < 1000; round++)
        {
            int batch = 1 + (round % capacity);
            for (int i = 0; i < batch && ring.Count < capacity; i++)
            {
                Assert.True(ring.TryAdd(Request(added++)));
            }

            int drain = 1 + (round * 7 % capacity);
            for (int i = 0; i < drain && ring.Count > 0; i++)
            {
                Assert.Equal(removed++, TakeFirst(ring).CorrelationId);
            }
        }

        while (ring.Count > 0)
        {
            Assert.Equal(removed++, TakeFirst(ring).CorrelationId);
        }

        Assert.Equal(added, removed);
        Assert.True(added > capacity * 100, $"only {added} requests went through a ring of {capacity}");
    }

    [Fact]
    public void TryAddPeekRemove_RandomOperations_BehaveAsABoundedQueue()
    {
        var genOps = Gen.Select(Gen.Int[1, 8], Gen.Bool.Array[1, 200]);
        genOps.Sample((capacity, ops) =>
        {
            var ring = new InFlightRequests(capacity);
            var model = new Queue<int>();
            int next = 0;
            foreach (bool add in ops)
            {
                if (add)
                {
                    Assert.Equal(model.Count < capacity, ring.TryAdd(Request(next)));
                    if (model.Count < capacity)
                    {
                        model.Enqueue(next);
                    }

                    next++;
                }
                else if (model.Count > 0)
                {
                    Assert.Equal(model.Dequeue(), TakeFirst(ring).CorrelationId);
                }

                Assert.Equal(model.Count, ring.Count);
                Assert.Equal(model.Count > 0, ring.TryPeek(out var head));
                if (model.Count > 0)
                {
                    Assert.Equal(model.Peek(), head.CorrelationId);
                }
            }
        }, iter: 2_000, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public async Task TryAddAndRemoveFirst_RequestAndResponsePumpsOnTwoThreads_KeepFifoOrder()
    {
        // As on a connection: one thread adds (the request pump), another peeks and removes (the response pump).
        const int Total = 200_000;
        var ring = new InFlightRequests(16);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var producer = Task.Run(() =>
        {
            for (int i = 0; i < Total; i++)
            {
                var spin = default(SpinWait);
                while (!ring.TryAdd(Request(i)))
                {
                    timeout.Token.ThrowIfCancellationRequested();
                    spin.SpinOnce();
                }
            }
        }, timeout.Token);

        var consumer = Task.Run(() =>
        {
            for (int expected = 0; expected < Total; expected++)
            {
                var spin = default(SpinWait);
                InFlightRequests.Entry first;
                while (!ring.TryPeek(out first))
                {
                    timeout.Token.ThrowIfCancellationRequested();
                    spin.SpinOnce();
                }

                Assert.Equal(Request(expected), first);
                ring.RemoveFirst();
            }
        }, timeout.Token);

        await Task.WhenAll(producer, consumer);

        Assert.Equal(0, ring.Count);
    }

    [Fact]
    public async Task WaitForRoom_Full_CompletesWhenAResponseRemovesOne()
    {
        var ring = new InFlightRequests(2);
        Assert.True(ring.TryAdd(Request(1)));
        Assert.True(ring.WaitForRoomAsync().IsCompleted);
        Assert.True(ring.TryAdd(Request(2)));

        var waiting = ring.WaitForRoomAsync();
        Assert.False(waiting.IsCompleted);
        ring.RemoveFirst();

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(ring.TryAdd(Request(3)));
    }

    [Fact]
    public void TryAdd_GrowingPastItsStartSizeWhileWrapped_KeepsTheOrder()
    {
        var ring = new InFlightRequests(100);
        for (int i = 0; i < 6; i++)
        {
            Assert.True(ring.TryAdd(Request(i)));
        }

        for (int i = 0; i < 4; i++)
        {
            ring.RemoveFirst();
        }

        for (int i = 6; i < 40; i++)
        {
            Assert.True(ring.TryAdd(Request(i)));
        }

        for (int expected = 4; expected < 40; expected++)
        {
            Assert.True(ring.TryPeek(out var first));
            Assert.Equal(Request(expected), first);
            ring.RemoveFirst();
        }

        Assert.Equal(0, ring.Count);
    }
}
