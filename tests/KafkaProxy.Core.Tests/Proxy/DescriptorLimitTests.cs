using KafkaProxy.Core.Proxy;

namespace KafkaProxy.Core.Tests.Proxy;

public sealed class DescriptorLimitTests
{
    [Theory]
    [InlineData(1024, 170, 376)]    // prlimit --nofile=1024: a tenth kept back, two descriptors per connection
    [InlineData(20_000, 170, 8915)]
    [InlineData(256, 100, 46)]      // the reserve is at least 64
    [InlineData(200, 150, -7)]      // nothing fits: the engine refuses to start
    public void ConnectionsThatFit_Limit_TwoDescriptorsEachAfterWhatIsOpenAndAReserve(long limit, long open, long expected)
    {
        Assert.Equal(expected, DescriptorLimit.ConnectionsThatFit(limit, open));
    }

    [Theory]
    [InlineData(1024, 900, false)]
    [InlineData(1024, 972, false)]   // the last listener that leaves half the reserve (51) free
    [InlineData(1024, 973, true)]
    [InlineData(100, 68, true)]      // the reserve is at least 64
    public void ListenerWouldCrowd_OpenDescriptors_KeepsHalfTheReserveFree(long limit, long open, bool expected)
    {
        Assert.Equal(expected, DescriptorLimit.ListenerWouldCrowd(limit, open));
    }

    [Theory]
    [InlineData(1024, 972, 1)]   // as ListenerWouldCrowd: one more fits
    [InlineData(1024, 973, 0)]
    [InlineData(1024, 2000, 0)]
    [InlineData(20_000, 1000, 18_000)]
    public void ListenersBeforeCrowding_OpenDescriptors_CountsWhatFitsBeforeHalfTheReserve(long limit, long open, long expected)
    {
        Assert.Equal(expected, DescriptorLimit.ListenersBeforeCrowding(limit, open));
        Assert.Equal(expected == 0, DescriptorLimit.ListenerWouldCrowd(limit, open));
    }

    [Fact]
    public void Read_OnLinux_IsTheSoftLimitOfThisProcessAndItsOpenDescriptors()
    {
        string soft = File.ReadLines("/proc/self/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];

        var read = DescriptorLimit.Read();

        Assert.NotNull(read);
        Assert.Equal(soft, read.Value.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(read.Value.Open, 3, read.Value.Limit);
    }
}
