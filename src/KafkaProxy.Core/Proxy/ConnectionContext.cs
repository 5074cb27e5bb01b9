using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Diagnostics;
using KafkaProxy.Core.Security;
using KafkaProxy.Core.Security.ClientAuth;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Core.Proxy;

/// <summary>
/// What every connection of an engine shares. <see cref="Options"/> holds what is read once; <see cref="Settings"/> what may
/// change. <see cref="AddressBook"/> maps broker addresses (the book, or the SNI router); <see cref="Sni"/> routes
/// connections by their TLS server name when SNI routing is on; <see cref="Chaos"/> applies the chaos proxies' toxics
/// when chaos is on; <see cref="Pipes"/> lends kernel pipes for forwarding frames in the kernel (Linux).
/// </summary>
internal sealed record ConnectionContext(KafkaProxyOptions Options, IBrokerAddressMapper AddressBook, DynamicListeners? DynamicListeners, SniRouter? Sni, ProxyMetrics Metrics, ProxyClock Clock, ProxyLoggers Loggers, UpstreamSecurity? UpstreamSecurity, LiveSettings Settings, ClientTls? ClientTls, ClientAuthenticator? ClientAuthenticator, Chaos.ChaosProxies? Chaos = null, Transport.KernelPipePool? Pipes = null);
