using System.Text;
using BenchmarkDotNet.Attributes;
using KafkaProxy.Core.Security;
using KafkaProxy.Core.Security.ClientAuth;

namespace KafkaProxy.Benchmarks;

/// <summary>
/// What client authentication at the proxy costs the proxy, once per client connection (the frames after it pass
/// as without it): the server side of one PLAIN check and of one SCRAM exchange, against credentials of 8192
/// iterations (the default of <c>kafka-proxy credentials</c>). PLAIN derives the password's keys (PBKDF2) on the
/// proxy; with SCRAM the client does that work and the proxy only computes a few HMACs.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ClientAuthBenchmarks
{
    private const string Password = "bench-password";
    private const string ClientNonce = "fyko+d2lbbFgONRv9qkxdawL";
    private const string ServerNonce = "3rfcNHYJY1ZVvWVs7j";
    private ClientCredentialStore _store = null!;
    private byte[] _plainToken = [];
    private byte[] _clientFirst = [];
    private byte[] _clientFinal = [];

    [Params("SCRAM-SHA-256", "SCRAM-SHA-512")]
    public string Mechanism { get; set; } = "SCRAM-SHA-256";

    [GlobalSetup]
    public void Setup()
    {
        _store = ClientCredentialStore.Parse([ClientCredentialFile.CreateLine("app", Password, Mechanism)], "bench");
        _plainToken = Encoding.UTF8.GetBytes($"\0app\0{Password}");
        var algorithm = ScramAlgorithm.Find(Mechanism)!;
        var client = new ScramClient(algorithm, new SaslCredentials("app", Password), ClientNonce);
        _clientFirst = client.Start();
        byte[] serverFirst = new ScramServer(algorithm, _store, ServerNonce).Evaluate(_clientFirst);
        _clientFinal = client.Next(serverFirst)!;
    }

    [Benchmark(Description = "PLAIN: one password check")]
    public bool Plain() => new PlainServer(_store).Evaluate(_plainToken).Length == 0;

    [Benchmark(Description = "SCRAM: one server-side exchange")]
    public bool Scram()
    {
        var server = new ScramServer(ScramAlgorithm.Find(Mechanism)!, _store, ServerNonce);
        server.Evaluate(_clientFirst);
        server.Evaluate(_clientFinal);
        return server.IsComplete;
    }
}
