using System.Text;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Configuration.Binding;
using KafkaProxy.Core.Filters.Policies;
using Microsoft.Extensions.Configuration;

namespace KafkaProxy.Core.Tests.Filters;

public sealed class PolicyTests
{
    private static PolicyOptions Options(Action<PolicyOptions> configure)
    {
        var options = new PolicyOptions();
        configure(options);
        return options;
    }

    [Theory]
    [InlineData(-1, -1, false)]
    [InlineData(-1, 1, true)]
    [InlineData(-1, 0, true)]
    [InlineData(1, -1, false)]
    [InlineData(1, 1, false)]
    [InlineData(1, 0, true)]
    public void CheckAcks_RequiredAcks_RefusesFewer(short required, short acks, bool refused)
    {
        var policy = new ProducePolicy(Options(o => o.RequireAcks = required));

        Assert.Equal(refused, policy.CheckAcks(acks) is { } reason && reason.StartsWith("policy RequireAcks", StringComparison.Ordinal));
    }

    [Fact]
    public void CheckBatch_EachRule_NamesItselfWhenBroken()
    {
        var policy = new ProducePolicy(Options(o =>
        {
            o.MaxRecordBatchBytes = 1000;
            o.RequireIdempotence = true;
            o.AllowedCompression.Add("none");
            o.AllowedCompression.Add("zstd");
        }));

        Assert.Null(policy.CheckBatch(1000, magic: 2, compressionCodec: 4, producerId: 7));
        Assert.StartsWith("policy MaxRecordBatchBytes: a record batch of 1001 bytes", policy.CheckBatch(1001, 2, 0, 7), StringComparison.Ordinal);
        Assert.StartsWith("policy RequireIdempotence", policy.CheckBatch(10, 2, 0, -1), StringComparison.Ordinal);
        Assert.StartsWith("policy RequireIdempotence", policy.CheckBatch(10, 1, 0, 7), StringComparison.Ordinal);
        Assert.Equal("policy AllowedCompression: the records use gzip; allowed: none, zstd", policy.CheckBatch(10, 2, 1, 7));
        Assert.StartsWith("policy AllowedCompression: the records use codec 6", policy.CheckBatch(10, 2, 6, 7), StringComparison.Ordinal);
    }

    [Fact]
    public void CheckTopic_Pattern_MatchesWholeNames()
    {
        var policy = new ProducePolicy(Options(o => o.TopicNamePattern = "orders\\.[a-z]+"));

        Assert.Null(policy.CheckTopic("orders.eu"));
        Assert.NotNull(policy.CheckTopic("orders.eu.extra"));
        Assert.NotNull(policy.CheckTopic("xorders.eu"));
        Assert.NotNull(policy.CheckTopic(null));
    }

    [Fact]
    public void CreateTopics_Rules_CheckCountsDefaultsAndAssignments()
    {
        var policy = new CreateTopicsPolicy(Options(o => { o.CreateTopicsMinReplicationFactor = 3; o.CreateTopicsMaxPartitions = 12; }));

        Assert.Null(policy.Check("t", 12, 3, []));
        Assert.Equal("policy CreateTopicsMaxPartitions: 13 partitions, more than 12", policy.Check("t", 13, 3, []));
        Assert.Equal("policy CreateTopicsMinReplicationFactor: replication factor 2, less than 3", policy.Check("t", 6, 2, []));
        Assert.StartsWith("policy CreateTopicsMaxPartitions: give the number of partitions", policy.Check("t", -1, 3, []), StringComparison.Ordinal);
        Assert.StartsWith("policy CreateTopicsMinReplicationFactor: give the replication factor", policy.Check("t", 6, -1, []), StringComparison.Ordinal);
        // Explicit assignments: partitions counted, the smallest replica list decides.
        Assert.Null(policy.Check("t", -1, -1, [3, 3, 4]));
        Assert.Equal("policy CreateTopicsMinReplicationFactor: replication factor 1, less than 3", policy.Check("t", -1, -1, [3, 1]));
    }

    [Fact]
    public void Bind_PoliciesSection_BindsAndValidates()
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes("""
            {"KafkaProxy":{"Brokers":["b:1,127.0.0.1:0"],"Policies":{"RequireAcks":"all","MaxRecordBatchBytes":1048576,"RequireIdempotence":true,
              "AllowedCompression":"none,LZ4","CreateTopicsMinReplicationFactor":3,"CreateTopicsMaxPartitions":50,"TopicNamePattern":"[a-z.]+"}}}
            """))).Build();
        var options = new KafkaProxyOptions();

        KafkaProxyOptionsBinder.Bind(configuration.GetSection("KafkaProxy"), options);

        Assert.True(new KafkaProxyOptionsValidator().Validate(null, options).Succeeded);
        var p = options.Policies;
        Assert.Equal(((short)-1, 1048576, true, (short)3, 50, "[a-z.]+"), (p.RequireAcks!.Value, p.MaxRecordBatchBytes!.Value, p.RequireIdempotence, p.CreateTopicsMinReplicationFactor!.Value, p.CreateTopicsMaxPartitions!.Value, p.TopicNamePattern));
        Assert.Equal(["lz4", "none"], p.AllowedCompression);
    }

    [Theory]
    [InlineData("""{"RequireAcks":"some"}""", "KafkaProxy:Policies:RequireAcks: 'some' is not all or leader")]
    [InlineData("""{"AllowedCompression":["brotli"]}""", "KafkaProxy:Policies:AllowedCompression names 'brotli'")]
    [InlineData("""{"TopicNamePattern":"(unclosed"}""", "KafkaProxy:Policies:TopicNamePattern '(unclosed' is not a regular expression")]
    [InlineData("""{"MaxRecordBatchBytes":0}""", "KafkaProxy:Policies:MaxRecordBatchBytes is 0")]
    [InlineData("""{"CreateTopicsMinReplicationFactor":0}""", "KafkaProxy:Policies:CreateTopicsMinReplicationFactor is 0")]
    [InlineData("""{"RequireAck":"all"}""", "KafkaProxy:Policies:RequireAck is not a setting")]
    public void Bind_BadPolicy_FailsNamingTheKey(string section, string expected)
    {
        string json = """{"KafkaProxy":{"Brokers":["b:1,127.0.0.1:0"],"Policies":SECTION}}""".Replace("SECTION", section, StringComparison.Ordinal);
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var options = new KafkaProxyOptions();

        KafkaProxyOptionsBinder.Bind(configuration.GetSection("KafkaProxy"), options);
        var result = new KafkaProxyOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, f => f.StartsWith(expected, StringComparison.Ordinal));
    }
}
