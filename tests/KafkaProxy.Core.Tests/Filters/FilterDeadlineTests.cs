using KafkaProxy.Core.Filters;
using Microsoft.Extensions.Time.Testing;

namespace KafkaProxy.Core.Tests.Filters;

public sealed class FilterDeadlineTests
{
    [Fact]
    public void Start_TimePasses_TokenCancelled_StopGivesAFreshOne()
    {
        var time = new FakeTimeProvider();
        var deadline = new FilterDeadline(time);

        var first = deadline.Start(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(first.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(first.IsCancellationRequested);
        Assert.True(deadline.Expired);

        deadline.Stop();
        var second = deadline.Start(TimeSpan.FromSeconds(10));
        Assert.False(deadline.Expired);
        Assert.False(second.IsCancellationRequested);
    }

    [Fact]
    public void StopBeforeTheTime_SameTokenReused_NeverCancelledLater()
    {
        var time = new FakeTimeProvider();
        var deadline = new FilterDeadline(time);

        var first = deadline.Start(TimeSpan.FromSeconds(10));
        deadline.Stop();
        time.Advance(TimeSpan.FromMinutes(5));
        var second = deadline.Start(TimeSpan.FromSeconds(10));

        Assert.False(first.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.True(second.IsCancellationRequested);
    }

    [Fact]
    public void SystemClock_StopBeforeTheTime_SourceResetAndReused()
    {
        // The system timer can be disarmed in place; a provider's own timer cannot, and its source is replaced instead.
        var deadline = new FilterDeadline(TimeProvider.System);

        var first = deadline.Start(TimeSpan.FromMinutes(1));
        deadline.Stop();
        var second = deadline.Start(TimeSpan.FromMinutes(1));
        deadline.Stop();

        Assert.Equal(first, second);
        Assert.False(second.IsCancellationRequested);
    }
}
