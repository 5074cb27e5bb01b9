using KafkaProxy.Core.Configuration.Binding;
using Microsoft.Extensions.Configuration;

namespace KafkaProxy.Core.Flushing;

/// <summary>Binds <see cref="BatchingFlusherOptions"/> from a configuration section (conventionally <c>KafkaProxy:Flusher</c>).</summary>
internal static class BatchingFlusherOptionsBinder
{
    /// <summary>Binds <paramref name="section"/> onto <paramref name="options"/>; problems go to the validator.</summary>
    public static void Bind(IConfiguration section, BatchingFlusherOptions options)
    {
        var reader = new SectionReader(section, options.ConfigurationProblems);
        Read(reader, options);
        reader.ReportUnknownKeys();
    }

    /// <summary>Every setting's key relative to the section.</summary>
    public static IReadOnlyList<string> Keys()
    {
        var reader = new SectionReader(new ConfigurationBuilder().Build(), new List<string>());
        Read(reader, new BatchingFlusherOptions());
        return reader.Declared;
    }

    private static void Read(SectionReader r, BatchingFlusherOptions o)
    {
        if (r.Text("BootstrapServers") is { } servers)
        {
            o.BootstrapServers = servers;
        }

        if (r.Text("InitialTopic") is { } topic)
        {
            o.InitialTopic = topic;
        }

        if (r.Text("TopicCacheFile") is { } cache)
        {
            o.TopicCacheFile = cache;
        }

        if (r.Text("TopicStateTopic") is { } stateTopic)
        {
            o.TopicStateTopic = stateTopic;
        }

        if (r.Text("SpoolDirectory") is { } spool)
        {
            o.SpoolDirectory = spool;
        }

        o.MaxSpoolBytes = r.Long("MaxSpoolBytes") ?? o.MaxSpoolBytes;
        o.TopicStateRefreshInterval = r.Duration("TopicStateRefreshInterval") ?? o.TopicStateRefreshInterval;
        o.BatchSize = r.Int("BatchSize") ?? o.BatchSize;
        o.FlushInterval = r.Duration("FlushInterval") ?? o.FlushInterval;
        o.MaxBufferedMessages = r.Int("MaxBufferedMessages") ?? o.MaxBufferedMessages;
        o.MaxBufferedBytes = r.Long("MaxBufferedBytes") ?? o.MaxBufferedBytes;
        o.DrainTimeout = r.Duration("DrainTimeout") ?? o.DrainTimeout;
        o.DeliveryTimeout = r.Duration("DeliveryTimeout") ?? o.DeliveryTimeout;
        if (r.Map("Producer") is { } producer)
        {
            foreach (var (key, value) in producer)
            {
                o.Producer[key] = value;
            }
        }
    }
}
