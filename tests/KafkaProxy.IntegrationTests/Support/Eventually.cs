namespace KafkaProxy.IntegrationTests.Support;

/// <summary>Awaits a condition that another thread makes true, with the tests' patience as the limit.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, Func<string> describe)
    {
        using var timeout = new CancellationTokenSource(Clients.Patience);
        while (!condition())
        {
            Assert.False(timeout.IsCancellationRequested, $"not true within {Clients.Patience}: {describe()}");
            await Task.Delay(10);
        }
    }
}
