using System.Reflection;
using KafkaProxy.Core.Flushing;
using KafkaProxy.Http.Gateway;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.Http.Tests.Diagnostics;

public sealed class LogEventIdTests
{
    [Fact]
    public void EveryLogEvent_InCoreAndHttp_HasAnIdOfItsOwn_HttpsIn5001To5099()
    {
        // A gateway host logs through both; their ids must not collide.
        var events = new[] { typeof(BatchingFlusher).Assembly, typeof(PushEndpoints).Assembly }
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(e => e.Attribute is not null)
            .ToList();

        var shared = events.GroupBy(e => e.Attribute!.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => $"{e.Method.DeclaringType!.FullName}.{e.Method.Name}"))}").ToList();
        var http = events.Where(e => e.Method.DeclaringType!.Assembly == typeof(PushEndpoints).Assembly).ToList();

        Assert.True(shared.Count == 0, "event ids used twice:\n" + string.Join('\n', shared));
        Assert.NotEmpty(http);
        Assert.All(http, e => Assert.InRange(e.Attribute!.EventId, 5001, 5099));
    }
}
