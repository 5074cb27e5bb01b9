using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace KafkaProxy.IntegrationTests.Chaos;

/// <summary>Toxiproxy's HTTP API as the C# chaos proxy serves it: its shapes, defaults and errors.</summary>
public sealed class ToxiproxyApiTests
{
    [Fact]
    public async Task Proxies_ListsOneProxyPerBroker_WithToxiproxysFields()
    {
        await using var rig = await ChaosRig.StartAsync(serveApi: true);
        using var http = Client(rig);

        var proxies = await GetJson(http, "proxies");

        Assert.Equal(["broker-1", "broker-2", "broker-3"], proxies.AsObject().Select(p => p.Key).Order());
        var broker = proxies["broker-1"]!;
        Assert.Equal("broker-1", (string?)broker["name"]);
        Assert.Equal(rig.Chaos.Proxies["broker-1"].Listen, (string?)broker["listen"]);
        Assert.Equal(rig.Cluster.Brokers[0].Address, (string?)broker["upstream"]);
        Assert.True((bool)broker["enabled"]!);
        Assert.Empty(broker["toxics"]!.AsArray());
        Assert.Equal(broker.ToJsonString(), (await GetJson(http, "proxies/broker-1")).ToJsonString());
        Assert.False(string.IsNullOrEmpty((string?)(await GetJson(http, "version"))["version"]));
    }

    [Fact]
    public async Task Toxics_CreateWithDefaults_Show_Update_Delete()
    {
        await using var rig = await ChaosRig.StartAsync(serveApi: true);
        using var http = Client(rig);

        var created = await Send(http, HttpMethod.Post, "proxies/broker-2/toxics", """{"type": "latency", "attributes": {"latency": 100}}""", HttpStatusCode.OK);

        Assert.Equal("""{"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1,"attributes":{"latency":100,"jitter":0}}""", created.ToJsonString());
        Assert.Equal(created.ToJsonString(), (await GetJson(http, "proxies/broker-2/toxics/latency_downstream")).ToJsonString());
        Assert.Equal($"[{created.ToJsonString()}]", (await GetJson(http, "proxies/broker-2/toxics")).ToJsonString());

        var updated = await Send(http, HttpMethod.Post, "proxies/broker-2/toxics/latency_downstream", """{"attributes": {"jitter": 10}, "toxicity": 0.5}""", HttpStatusCode.OK);
        Assert.Equal("""{"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":0.5,"attributes":{"latency":100,"jitter":10}}""", updated.ToJsonString());
        Assert.Equal(0.5, rig.Chaos.Proxies["broker-2"].Toxics.Single().Toxicity);

        var named = await Send(http, HttpMethod.Post, "proxies/broker-2/toxics", """{"name": "cut", "type": "limit_data", "stream": "upstream", "toxicity": 0.25, "attributes": {"bytes": 5}}""", HttpStatusCode.OK);
        Assert.Equal("""{"name":"cut","type":"limit_data","stream":"upstream","toxicity":0.25,"attributes":{"bytes":5}}""", named.ToJsonString());

        using (var deleted = await http.DeleteAsync("proxies/broker-2/toxics/latency_downstream"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Equal(["cut"], rig.Chaos.Proxies["broker-2"].Toxics.Select(t => t.Name));
    }

    [Fact]
    public async Task EnabledFalse_TakesTheBrokerAway_Reset_BringsItBackWithoutToxics()
    {
        await using var rig = await ChaosRig.StartAsync(serveApi: true);
        using var http = Client(rig);
        await Send(http, HttpMethod.Post, "proxies/broker-3/toxics", """{"type": "timeout"}""", HttpStatusCode.OK);

        var disabled = await Send(http, HttpMethod.Post, "proxies/broker-3", """{"enabled": false}""", HttpStatusCode.OK);

        Assert.False((bool)disabled["enabled"]!);
        using (var refused = await rig.ConnectAsync("broker-3"))
        {
            Assert.Equal(0, (await ChaosRig.ReadToEndAsync(refused.GetStream())).Bytes);
        }

        using (var reset = await http.PostAsync("reset", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        }

        var proxy = await GetJson(http, "proxies/broker-3");
        Assert.True((bool)proxy["enabled"]!);
        Assert.Empty(proxy["toxics"]!.AsArray());
        var (response, _) = await rig.RoundTripAsync("broker-3");
        Assert.True(response.Length > 8);
    }

    [Theory]
    [InlineData("""{"type": "earthquake"}""", "type")]
    [InlineData("""{"attributes": {"latency": 5}}""", "type")]
    [InlineData("""{"type": "latency", "stream": "sideways"}""", "stream")]
    [InlineData("""{"type": "latency", "toxicity": 1.5}""", "toxicity")]
    [InlineData("""{"type": "latency", "toxicity": "high"}""", "toxicity")]
    [InlineData("""{"type": "latency", "attributes": {"latency": -1}}""", "attributes.latency")]
    [InlineData("""{"type": "latency", "attributes": {"latency": "slow"}}""", "attributes.latency")]
    [InlineData("""{"type": "latency", "attributes": {"lag": 5}}""", "attributes.lag")]
    [InlineData("""{"type": "latency", "attributes": [1]}""", "attributes")]
    [InlineData("""{"type": "slicer", "attributes": {"average_size": 10, "size_variation": 10}}""", "attributes.size_variation")]
    [InlineData("""{"type": "latency", "name": 7}""", "name")]
    [InlineData("""{"type": "kafka_error", "attributes": {"error_code": 6}}""", "attributes.api_key")]
    [InlineData("""{"type": "kafka_error", "attributes": {"api_key": 3, "error_code": 6}}""", "attributes.api_key")]
    [InlineData("""{"type": "kafka_error", "attributes": {"api_key": 0}}""", "attributes.error_code")]
    [InlineData("""{"type": "kafka_leader_storm", "attributes": {"duration_ms": 1000}}""", "attributes.topic")]
    [InlineData("""{"type": "kafka_throttle", "attributes": {"client_id": "app"}}""", "attributes.throttle_ms")]
    [InlineData("""{"type": "kafka_schema_id", "attributes": {"topic": "t", "schema_id": "x"}}""", "attributes.schema_id")]
    [InlineData("""{"type": "kafka_corrupt", "attributes": {"count": -1}}""", "attributes.count")]
    [InlineData("""not json""", "body")]
    [InlineData("""[1, 2]""", "body")]
    public async Task CreateToxic_BadField_400NamingIt(string body, string field)
    {
        await using var rig = await ChaosRig.StartAsync(serveApi: true);
        using var http = Client(rig);

        var error = await Send(http, HttpMethod.Post, "proxies/broker-1/toxics", body, HttpStatusCode.BadRequest);

        Assert.StartsWith(field + ":", (string?)error["error"], StringComparison.Ordinal);
        Assert.Equal(400, (int)error["status"]!);
        Assert.Empty(rig.Chaos.Proxies["broker-1"].Toxics);
    }

    [Fact]
    public async Task Errors_UnknownProxyOrToxic404_DuplicateName409_BadEnabled400_ProxyCreation405()
    {
        await using var rig = await ChaosRig.StartAsync(serveApi: true);
        using var http = Client(rig);

        var noProxy = await Send(http, HttpMethod.Get, "proxies/broker-9", null, HttpStatusCode.NotFound);
        Assert.Contains("proxy 'broker-9' not found", (string?)noProxy["error"], StringComparison.Ordinal);
        await Send(http, HttpMethod.Post, "proxies/broker-9/toxics", """{"type": "latency"}""", HttpStatusCode.NotFound);
        var noToxic = await Send(http, HttpMethod.Get, "proxies/broker-1/toxics/nothing", null, HttpStatusCode.NotFound);
        Assert.Contains("toxic 'nothing' not found", (string?)noToxic["error"], StringComparison.Ordinal);
        await Send(http, HttpMethod.Delete, "proxies/broker-1/toxics/nothing", null, HttpStatusCode.NotFound);
        await Send(http, HttpMethod.Post, "proxies/broker-1/toxics/nothing", """{"toxicity": 1}""", HttpStatusCode.NotFound);

        await Send(http, HttpMethod.Post, "proxies/broker-1/toxics", """{"type": "latency"}""", HttpStatusCode.OK);
        var duplicate = await Send(http, HttpMethod.Post, "proxies/broker-1/toxics", """{"type": "bandwidth", "name": "latency_downstream"}""", HttpStatusCode.Conflict);
        Assert.Contains("already exists", (string?)duplicate["error"], StringComparison.Ordinal);
        Assert.Equal(409, (int)duplicate["status"]!);

        var badUpdate = await Send(http, HttpMethod.Post, "proxies/broker-1/toxics/latency_downstream", """{"attributes": {"latency": -3}}""", HttpStatusCode.BadRequest);
        Assert.StartsWith("attributes.latency:", (string?)badUpdate["error"], StringComparison.Ordinal);
        var badEnabled = await Send(http, HttpMethod.Post, "proxies/broker-1", """{"enabled": "no"}""", HttpStatusCode.BadRequest);
        Assert.StartsWith("enabled:", (string?)badEnabled["error"], StringComparison.Ordinal);
        var moved = await Send(http, HttpMethod.Post, "proxies/broker-1", """{"upstream": "elsewhere:9092"}""", HttpStatusCode.BadRequest);
        Assert.StartsWith("upstream:", (string?)moved["error"], StringComparison.Ordinal);
        Assert.True(rig.Chaos.Proxies["broker-1"].Enabled);

        await Send(http, HttpMethod.Post, "proxies", """{"name": "extra", "listen": "127.0.0.1:0", "upstream": "x:1"}""", HttpStatusCode.MethodNotAllowed);
        await Send(http, HttpMethod.Delete, "proxies/broker-1", null, HttpStatusCode.MethodNotAllowed);
    }

    private static HttpClient Client(ChaosRig rig) => new() { BaseAddress = rig.Chaos.ApiAddress, Timeout = Clients.Patience };

    private static async Task<JsonNode> GetJson(HttpClient http, string path) => await Send(http, HttpMethod.Get, path, null, HttpStatusCode.OK);

    private static async Task<JsonNode> Send(HttpClient http, HttpMethod method, string path, string? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path} answered {(int)response.StatusCode}, not {(int)expected}: {text}");
        return JsonNode.Parse(text)!;
    }
}
