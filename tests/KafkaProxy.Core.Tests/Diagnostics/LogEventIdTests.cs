using System.Reflection;
using KafkaProxy.Core.Proxy;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Tests.Diagnostics;

public sealed class LogEventIdTests
{
    [Fact]
    public void EveryLogEvent_InCore_HasAnIdOfItsOwn()
    {
        // KafkaProxy.Http logs through Core's types; the Testing package has its own ids and is not shipped with the proxy.
        var assemblies = new[] { typeof(ProxyEngine).Assembly };
        var events = assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Select(m => (Method: $"{m.DeclaringType!.FullName}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(e => e.Attribute is not null)
            .ToList();

        var shared = events.GroupBy(e => e.Attribute!.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Method))}").ToList();

        Assert.True(events.Count > 30, $"only {events.Count} log events found");
        Assert.True(shared.Count == 0, "event ids used twice:\n" + string.Join('\n', shared));
    }
}
