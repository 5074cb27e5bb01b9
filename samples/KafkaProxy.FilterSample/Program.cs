using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// A Kafka proxy with one filter of its own: a composition root. appsettings.json (KafkaProxy section, the filter's
// options under KafkaProxy:Filters:TopicAllowList) < environment < command line → AddKafkaProxy → AddTopicAllowList → run.
var builder = Host.CreateApplicationBuilder(args);
builder.Services
    .AddKafkaProxy(builder.Configuration.GetSection("KafkaProxy"))
    .AddTopicAllowList();

using var host = builder.Build();
await host.RunAsync();
