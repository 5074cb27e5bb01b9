using KafkaProxy.Core.Filters;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KafkaProxy.IntegrationTests.Filters;

/// <summary>
/// Filters registered the way an application does (<c>AddKafkaProxy(configuration).AddFilter...</c>): created from the
/// container with their options bound from <c>KafkaProxy:Filters:&lt;name&gt;</c>, validated at start, run in order.
/// </summary>
public sealed class FilterRegistrationTests
{
    private const short Metadata = 3;

    public sealed class StampOptions
    {
        public string ClientIdToRefuse { get; set; } = "";
    }

    // Closes connections whose client id its options name; records the order in which filters saw a request.
    public sealed class RefusingFilter(IOptions<StampOptions> options, ILogger<RefusingFilter> logger, Order order) : IKafkaRequestFilter
    {
        public string Name => "refuse-client";

        public bool WantsRequest(short apiKey, short apiVersion) => apiKey == Metadata;

        public ValueTask OnRequestAsync(KafkaRequest request, CancellationToken cancellationToken)
        {
            order.Seen.Enqueue(Name);
            if (request.ClientId == options.Value.ClientIdToRefuse)
            {
                if (logger.IsEnabled(LogLevel.Information))
                {
                    logger.LogInformation("refusing {ClientId}", request.ClientId);
                }

                request.Close($"client id {request.ClientId} is refused by configuration");
            }

            return ValueTask.CompletedTask;
        }
    }

    public sealed class Order
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Seen { get; } = new();
    }

    private sealed class OptionsMustNameAClient : IValidateOptions<StampOptions>
    {
        public ValidateOptionsResult Validate(string? name, StampOptions options) =>
            string.IsNullOrEmpty(options.ClientIdToRefuse) ? ValidateOptionsResult.Fail("KafkaProxy:Filters:Refuse:ClientIdToRefuse is required") : ValidateOptionsResult.Success;
    }

    [Fact]
    public async Task AddFilterWithOptions_BoundFromTheFiltersSection_RunsAfterTheFactoryFilterAddedBefore()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        int port = FreePorts.FindRun(1);
        var order = new Order();
        using var host = Build(cluster, port, order, refuse: "raw-test");
        await host.StartAsync();
        try
        {
            await using var raw = await RawKafkaClient.ConnectAsync("127.0.0.1", port);
            var refused = await Record.ExceptionAsync(() => raw.SendAsync(Metadata, 1, flexible: false, w => Protocol.Primitives.KafkaWriter.WriteInt32(w, -1)));

            Assert.True(refused is EndOfStreamException or IOException, $"expected a closed connection, got {refused}");
            Assert.Equal(["first", "refuse-client"], order.Seen);
            using var producer = Clients.Producer($"127.0.0.1:{port}");
            cluster.CreateTopic("orders");
            Clients.ProduceNumbered(producer, "orders", 3);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task AddFilterWithOptions_InvalidOptions_HostDoesNotStart()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        using var host = Build(cluster, FreePorts.FindRun(1), new Order(), refuse: "");

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("KafkaProxy:Filters:Refuse:ClientIdToRefuse is required", ex.Message, StringComparison.Ordinal);
    }

    private static IHost Build(KafkaTestCluster cluster, int port, Order order, string refuse)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KafkaProxy:Brokers:0"] = $"{cluster.Brokers[0].Address},127.0.0.1:{port}",
            ["KafkaProxy:Filters:Refuse:ClientIdToRefuse"] = refuse,
        });
        builder.Services.AddSingleton(order);
        builder.Services.AddSingleton<IValidateOptions<StampOptions>, OptionsMustNameAClient>();
        builder.Services.AddKafkaProxy(builder.Configuration.GetSection("KafkaProxy"))
            .AddFilter(_ => new LambdaFilter("first", (key, _) => key == Metadata, (_, _) =>
            {
                order.Seen.Enqueue("first");
                return ValueTask.CompletedTask;
            }))
            .AddFilter<RefusingFilter, StampOptions>("Refuse", (section, o) => o.ClientIdToRefuse = section["ClientIdToRefuse"] ?? "");
        return builder.Build();
    }
}
