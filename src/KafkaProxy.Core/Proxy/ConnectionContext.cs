using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Diagnostics;
using KafkaProxy.Core.Security;
using KafkaProxy.Core.Security.ClientAuth;

namespace KafkaProxy.Core.Proxy;

/// <summary>What every connection of an engine shares. <see cref="Options"/> holds what is read once; <see cref="Settings"/> what may change.</summary>
internal sealed record ConnectionContext(KafkaProxyOptions Options, BrokerAddressBook AddressBook, DynamicListeners? DynamicListeners, ProxyMetrics Metrics, ProxyClock Clock, ProxyLoggers Loggers, UpstreamSecurity? UpstreamSecurity, LiveSettings Settings, ClientTls? ClientTls, ClientAuthenticator? ClientAuthenticator, Chaos.ChaosProxies? Chaos = null);
