using Microsoft.Extensions.Options;

namespace KafkaProxy.Core.Configuration;

/// <summary>Checks <see cref="KafkaProxyOptions"/> at start; every message names the setting and the fix.</summary>
internal sealed class KafkaProxyOptionsValidator : IValidateOptions<KafkaProxyOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, KafkaProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>(options.ConfigurationProblems);
        var key = new SettingKey(options.ConfigurationPath);
        if (options.Brokers.Count == 0 && !options.Sni.Enabled)
        {
            errors.Add($"{key["Brokers"]}: no broker is mapped. Map at least one, as \"broker:port,local:port\" or {{ \"Upstream\": \"broker:port\", \"Listen\": \"127.0.0.1:19092\" }}.");
        }

        var upstreams = new HashSet<HostPort>();
        var listens = new HashSet<HostPort>();
        foreach (var broker in options.Brokers)
        {
            if (broker.Upstream.Port == 0)
            {
                errors.Add($"{key["Brokers"]}: in '{broker}' the broker's port must not be 0.");
            }

            if (!upstreams.Add(broker.Upstream))
            {
                errors.Add($"{key["Brokers"]}: broker {broker.Upstream} is mapped twice; keep one mapping for it.");
            }

            if (IsWildcard(broker.Listen.Host) && broker.Advertised is null)
            {
                errors.Add($"{key["Brokers"]}: '{broker}' listens on {broker.Listen.Host}, which clients cannot connect to; add the advertised address ('broker:port,local:port,advertised:port', or Advertised).");
            }

            if (broker.Listen.Port != 0 && !listens.Add(broker.Listen))
            {
                errors.Add($"{key["Brokers"]}: listen address {broker.Listen} is used by two broker mappings; give each its own port.");
            }
        }

        foreach (var external in options.ExternalServers)
        {
            if (upstreams.Contains(external.From))
            {
                errors.Add($"{key["ExternalServers"]}: broker {external.From} is also in {key["Brokers"]}; keep one of the two mappings.");
            }
        }

        Positive(errors, options.MaxFrameSize, key["MaxFrameSize"], "bytes");
        Positive(errors, options.MaxInFlightRequests, key["MaxInFlightRequests"], "requests");
        Positive(errors, options.MaxConnections, key["MaxConnections"], "connections");
        if (options.DialTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{key["DialTimeout"]} is {options.DialTimeout}; it must be positive, for example 15s.");
        }
        else
        {
            NotNegative(errors, options.DialTimeout, key["DialTimeout"]);
        }

        if (options.FilterTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{key["FilterTimeout"]} is {options.FilterTimeout}; it must be positive, for example 10s.");
        }

        NotNegative(errors, options.UpstreamReadTimeout, key["UpstreamReadTimeout"]);
        NotNegative(errors, options.WriteTimeout, key["WriteTimeout"]);
        NotNegative(errors, options.IdleTimeout, key["IdleTimeout"]);
        NotNegative(errors, options.DrainTimeout, key["DrainTimeout"]);
        Buffers(errors, options.ListenerSockets, key["ListenerSockets"]);
        Buffers(errors, options.UpstreamSockets, key["UpstreamSockets"]);

        var dynamic = options.DynamicListeners;
        if (string.IsNullOrWhiteSpace(dynamic.BindAddress))
        {
            errors.Add($"{key["DynamicListeners:BindAddress"]} is empty: use 127.0.0.1, or 0.0.0.0 to listen on every interface.");
        }

        if (IsWildcard(dynamic.BindAddress) && string.IsNullOrWhiteSpace(dynamic.AdvertisedHost))
        {
            errors.Add($"{key["DynamicListeners:AdvertisedHost"]} is needed: dynamic listeners bind to {dynamic.BindAddress}, which clients cannot connect to; set it to the host clients should use.");
        }

        if (dynamic.SequentialMinPort is < 0 or > 65535)
        {
            errors.Add($"{key["DynamicListeners:SequentialMinPort"]} is {dynamic.SequentialMinPort}; use 0 (random ports) or a port up to 65535.");
        }

        if (dynamic.MaxListeners < 1)
        {
            errors.Add($"{key["DynamicListeners:MaxListeners"]} is {dynamic.MaxListeners}; it must be at least 1 listener (to start none, set {key["DynamicListeners:Enabled"]} to false).");
        }

        if (dynamic.Deterministic && dynamic.SequentialMinPort == 0)
        {
            errors.Add($"{key["DynamicListeners:Deterministic"]} needs {key["DynamicListeners:SequentialMinPort"]}: the port is that minimum plus the broker id.");
        }

        Sni(errors, key, options);
        NodePorts(errors, key, options);
        ClientTls(errors, key, options.ClientTls);
        ClientAuth(errors, key, options.ClientAuth);
        UpstreamTls(errors, key, options.UpstreamTls);
        UpstreamSasl(errors, key, options.UpstreamSasl);
        Policies(errors, key, options.Policies);
        Audit(errors, key, options.Audit);
        if (options.Tracing.SampleRatio is < 0 or > 1 || double.IsNaN(options.Tracing.SampleRatio))
        {
            errors.Add($"{key["Tracing:SampleRatio"]} is {options.Tracing.SampleRatio}; it is the share of the traced api keys' requests that get a span and must be from 0 to 1, for example 0.01.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Sni(List<string> errors, SettingKey key, KafkaProxyOptions options)
    {
        var sni = options.Sni;
        if (!sni.Enabled)
        {
            return;
        }

        string mode = $"SNI routing ({key["Sni:ListenerAddress"]})";
        if (sni.BootstrapHost?.Contains(SniOptions.VirtualClusterToken, StringComparison.Ordinal) == true
            || sni.HostPattern?.Contains(SniOptions.VirtualClusterToken, StringComparison.Ordinal) == true)
        {
            // Bound options of a virtual cluster have the token replaced: it is left only where there is no cluster.
            errors.Add($"{key["Sni"]}: {SniOptions.VirtualClusterToken} stands for a virtual cluster's name and is replaced only in KafkaProxy:Clusters:<name>:Sni; write the name here.");
            return;
        }

        if (!options.ClientTls.Enabled)
        {
            errors.Add($"{mode} reads the broker's name from the client's TLS handshake: set {key["ClientTls:Enabled"]} with {key["ClientTls:CertFile"]} and {key["ClientTls:KeyFile"]}, a certificate for {key["Sni:BootstrapHost"]} and every name of {key["Sni:HostPattern"]} (a wildcard).");
        }

        if (string.IsNullOrWhiteSpace(sni.BootstrapHost) || sni.BootstrapHost.Contains('$', StringComparison.Ordinal) || sni.BootstrapHost.Contains(':', StringComparison.Ordinal))
        {
            errors.Add($"{key["Sni:BootstrapHost"]} is '{sni.BootstrapHost}'; {mode} needs the host name clients bootstrap with, such as bootstrap.kafka.example.com.");
        }

        string? pattern = sni.HostPattern;
        int token = pattern?.IndexOf(SniOptions.NodeIdToken, StringComparison.Ordinal) ?? -1;
        if (pattern is null || token < 0 || pattern.IndexOf(SniOptions.NodeIdToken, token + 1, StringComparison.Ordinal) >= 0
            || pattern.Replace(SniOptions.NodeIdToken, "0", StringComparison.Ordinal).IndexOfAny(['$', ':', '/', ' ']) >= 0)
        {
            errors.Add($"{key["Sni:HostPattern"]} is '{pattern}'; {mode} needs a host name with {SniOptions.NodeIdToken} once for the node id, such as broker-{SniOptions.NodeIdToken}.kafka.example.com.");
        }

        if (sni.UpstreamBootstrapServers.Count == 0)
        {
            errors.Add($"{key["Sni:UpstreamBootstrapServers"]} is empty; {mode} dials these for the bootstrap name: give the cluster's bootstrap servers, such as broker-1:9092,broker-2:9092.");
        }

        foreach (var server in sni.UpstreamBootstrapServers.Where(s => s.Port == 0))
        {
            errors.Add($"{key["Sni:UpstreamBootstrapServers"]}: the port of {server} must not be 0.");
        }

        if (sni.AdvertisedPort is < 0 or > 65535)
        {
            errors.Add($"{key["Sni:AdvertisedPort"]} is {sni.AdvertisedPort}; use 0 (the listener's port) or a port up to 65535.");
        }

        if (options.Brokers.Count > 0)
        {
            errors.Add($"{key["Brokers"]} and {mode} both listen for the cluster; choose one: with SNI routing give the cluster's bootstrap servers in {key["Sni:UpstreamBootstrapServers"]} and remove the mappings.");
        }

        if (options.ExternalServers.Count > 0)
        {
            errors.Add($"{key["ExternalServers"]} cannot be used with {mode}, which advertises every broker by {key["Sni:HostPattern"]}; remove them.");
        }

        if (options.NodePorts.Enabled)
        {
            errors.Add($"{key["NodePorts:Base"]} and {mode} are two ways of addressing brokers; choose one.");
        }

        DynamicListenersUnset(errors, key, options.DynamicListeners, mode);
    }

    private static void NodePorts(List<string> errors, SettingKey key, KafkaProxyOptions options)
    {
        var ports = options.NodePorts;
        if (ports.Base < 0 || ports.Base > 65535)
        {
            errors.Add($"{key["NodePorts:Base"]} is {ports.Base}; use 0 (node-id ports off) or the port of node 0, such as 19000.");
            return;
        }

        if (!ports.Enabled)
        {
            return;
        }

        string mode = $"node-id ports ({key["NodePorts:Base"]})";
        if (ports.NodeIdMax is < 0 || (long)ports.Base + (ports.NodeIdMax ?? 0) > 65535)
        {
            errors.Add($"{key["NodePorts:NodeIdMax"]} is {ports.NodeIdMax}; it must be at least 0, and {key["NodePorts:Base"]} ({ports.Base}) plus it at most 65535.");
        }

        if (string.IsNullOrWhiteSpace(ports.ListenHost))
        {
            errors.Add($"{key["NodePorts:ListenHost"]} is empty: use 127.0.0.1, or 0.0.0.0 to listen on every interface.");
        }
        else if (IsWildcard(ports.ListenHost) && string.IsNullOrWhiteSpace(ports.AdvertisedHost))
        {
            errors.Add($"{key["NodePorts:AdvertisedHost"]} is needed: node listeners bind to {ports.ListenHost}, which clients cannot connect to; set it to the host clients should use.");
        }

        long last = (long)ports.Base + (ports.NodeIdMax ?? 65535 - ports.Base);
        foreach (var broker in options.Brokers.Where(b => b.Listen.Port >= ports.Base && b.Listen.Port <= last))
        {
            errors.Add($"{key["Brokers"]}: '{broker}' listens on port {broker.Listen.Port}, which {mode} keeps for node {broker.Listen.Port - ports.Base}; give the mapping a port outside {ports.Base}-{last}, or set {key["NodePorts:NodeIdMax"]}.");
        }

        if (!options.DynamicListeners.Enabled)
        {
            errors.Add($"{key["DynamicListeners:Enabled"]} is false, but {mode} starts a listener for each broker a response names, as dynamic listeners do; drop the setting.");
        }

        DynamicListenersUnset(errors, key, options.DynamicListeners, mode);
    }

    // The dynamic listeners' port and address settings have no effect in the other modes: a value there is a mistake.
    private static void DynamicListenersUnset(List<string> errors, SettingKey key, DynamicListenerOptions dynamic, string mode)
    {
        if (dynamic.SequentialMinPort != 0 || dynamic.Deterministic || dynamic.AdvertisedHost is not null)
        {
            errors.Add($"{key["DynamicListeners:SequentialMinPort"]}, {key["DynamicListeners:Deterministic"]} and {key["DynamicListeners:AdvertisedHost"]} do not apply with {mode}, which decides brokers' addresses itself; remove them.");
        }
    }

    private static void ClientTls(List<string> errors, SettingKey key, ClientTlsOptions tls)
    {
        if (!tls.Enabled)
        {
            return;
        }

        if (string.IsNullOrEmpty(tls.CertFile) || string.IsNullOrEmpty(tls.KeyFile))
        {
            errors.Add($"{key["ClientTls:Enabled"]} needs the server certificate and its key: give {key["ClientTls:CertFile"]} and {key["ClientTls:KeyFile"]}.");
        }

        FileExists(errors, tls.CertFile, key["ClientTls:CertFile"]);
        FileExists(errors, tls.KeyFile, key["ClientTls:KeyFile"]);
        FileExists(errors, tls.ClientCaChainCertFile, key["ClientTls:ClientCaChainCertFile"]);
        if (tls.HandshakeTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{key["ClientTls:HandshakeTimeout"]} is {tls.HandshakeTimeout}; it must be positive, for example 15s.");
        }
    }

    private static void ClientAuth(List<string> errors, SettingKey key, ClientAuthOptions auth)
    {
        if (!auth.Enabled)
        {
            return;
        }

        if (string.IsNullOrEmpty(auth.CredentialsFile))
        {
            errors.Add($"{key["ClientAuth:Enabled"]} needs {key["ClientAuth:CredentialsFile"]}: make its lines with 'kafka-proxy credentials --username <user>' or ClientCredentialFile.CreateLine.");
        }
        else if (File.Exists(auth.CredentialsFile))
        {
            try
            {
                Security.ClientAuth.ClientCredentialStore.Load(auth.CredentialsFile);
            }
            catch (InvalidOperationException ex)
            {
                errors.Add(ex.Message);
            }
        }
        else
        {
            FileExists(errors, auth.CredentialsFile, key["ClientAuth:CredentialsFile"]);
        }

        if (auth.Mechanisms.Count == 0 || auth.Mechanisms.Any(m => !SaslMechanismNames.All.Contains(m)))
        {
            errors.Add($"{key["ClientAuth:Mechanisms"]} is '{string.Join(",", auth.Mechanisms)}'; give one or more of {string.Join(", ", SaslMechanismNames.All)}.");
        }

        if (auth.Timeout <= TimeSpan.Zero || auth.Timeout > MaxTimeout)
        {
            errors.Add($"{key["ClientAuth:Timeout"]} is {auth.Timeout}; it must be positive and at most 24 days, for example 10s.");
        }
    }

    private static void UpstreamTls(List<string> errors, SettingKey key, UpstreamTlsOptions tls)
    {
        if (!tls.Enabled)
        {
            return;
        }

        if (string.IsNullOrEmpty(tls.ClientCertFile) != string.IsNullOrEmpty(tls.ClientKeyFile))
        {
            errors.Add($"Mutual TLS needs both {key["UpstreamTls:ClientCertFile"]} and {key["UpstreamTls:ClientKeyFile"]}: give both or neither.");
        }

        FileExists(errors, tls.CaChainCertFile, key["UpstreamTls:CaChainCertFile"]);
        FileExists(errors, tls.ClientCertFile, key["UpstreamTls:ClientCertFile"]);
        FileExists(errors, tls.ClientKeyFile, key["UpstreamTls:ClientKeyFile"]);
        if (tls.UseSystemTrustStore && string.IsNullOrEmpty(tls.CaChainCertFile))
        {
            errors.Add($"{key["UpstreamTls:UseSystemTrustStore"]} adds the system store to {key["UpstreamTls:CaChainCertFile"]}, which is not set; without a CA file the system store is used anyway: drop the setting or add the CA file.");
        }

        if (tls.HandshakeTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{key["UpstreamTls:HandshakeTimeout"]} is {tls.HandshakeTimeout}; it must be positive, for example 15s.");
        }
    }

    private static void UpstreamSasl(List<string> errors, SettingKey key, UpstreamSaslOptions sasl)
    {
        if (!sasl.Enabled)
        {
            return;
        }

        if (!SaslMechanismNames.All.Contains(sasl.Mechanism))
        {
            errors.Add($"{key["UpstreamSasl:Mechanism"]} is '{sasl.Mechanism}'; use one of {string.Join(", ", SaslMechanismNames.All)}.");
        }

        if (!string.IsNullOrEmpty(sasl.JaasConfigFile))
        {
            FileExists(errors, sasl.JaasConfigFile, key["UpstreamSasl:JaasConfigFile"]);
        }
        else if (string.IsNullOrEmpty(sasl.Username) || string.IsNullOrEmpty(sasl.Password))
        {
            errors.Add($"{key["UpstreamSasl:Enabled"]} needs credentials: give {key["UpstreamSasl:Username"]} and {key["UpstreamSasl:Password"]}, or {key["UpstreamSasl:JaasConfigFile"]}.");
        }

        if (sasl.HandshakeVersion is not (0 or 1))
        {
            errors.Add($"{key["UpstreamSasl:HandshakeVersion"]} is {sasl.HandshakeVersion}; use 1 (Kafka 1.0 and later) or 0 (older brokers).");
        }

        if (sasl.Timeout <= TimeSpan.Zero || sasl.Timeout > MaxTimeout)
        {
            errors.Add($"{key["UpstreamSasl:Timeout"]} is {sasl.Timeout}; it must be positive and at most 24 days, for example 15s.");
        }

        if (!(sasl.ReauthenticateAt > 0 && sasl.ReauthenticateAt < 1))
        {
            errors.Add($"{key["UpstreamSasl:ReauthenticateAt"]} is {sasl.ReauthenticateAt}; it is a fraction of the session lifetime between 0 and 1, for example 0.85.");
        }
    }

    private static void Policies(List<string> errors, SettingKey key, Filters.Policies.PolicyOptions policies)
    {
        if (policies.MaxRecordBatchBytes is < 1)
        {
            errors.Add($"{key["Policies:MaxRecordBatchBytes"]} is {policies.MaxRecordBatchBytes}; it must be at least 1 byte, for example 1048576.");
        }

        foreach (string codec in policies.AllowedCompression.Where(c => !Filters.Policies.PolicyOptions.CompressionCodecs.Contains(c)))
        {
            errors.Add($"{key["Policies:AllowedCompression"]} names '{codec}'; the codecs are {string.Join(", ", Filters.Policies.PolicyOptions.CompressionCodecs)}.");
        }

        if (policies.CreateTopicsMinReplicationFactor is < 1)
        {
            errors.Add($"{key["Policies:CreateTopicsMinReplicationFactor"]} is {policies.CreateTopicsMinReplicationFactor}; it must be at least 1.");
        }

        if (policies.CreateTopicsMaxPartitions is < 1)
        {
            errors.Add($"{key["Policies:CreateTopicsMaxPartitions"]} is {policies.CreateTopicsMaxPartitions}; it must be at least 1.");
        }

        if (policies.TopicNamePattern is { } pattern)
        {
            try
            {
                policies.CompileTopicNamePattern();
            }
            catch (ArgumentException ex)
            {
                errors.Add($"{key["Policies:TopicNamePattern"]} '{pattern}' is not a regular expression: {ex.Message}");
            }
        }
    }

    private static void Audit(List<string> errors, SettingKey key, Filters.Audit.AuditOptions audit)
    {
        if (audit.Capacity < 1)
        {
            errors.Add($"{key["Audit:Capacity"]} is {audit.Capacity}; it is how many audit lines may wait for the writer and must be at least 1, for example 10000.");
        }

        if (audit.Enabled && audit.ApiKeys.Count == 0)
        {
            errors.Add($"{key["Audit:ApiKeys"]} is empty, so nothing would be audited: name api keys such as Produce, CreateTopics, or turn auditing off ({key["Audit:Path"]} and {key["Audit:Logger"]} unset).");
        }
    }

    private static void FileExists(List<string> errors, string? path, string setting)
    {
        if (!string.IsNullOrEmpty(path) && !File.Exists(path))
        {
            errors.Add($"{setting} '{path}' does not exist: give the path of a readable file.");
        }
    }

    private static bool IsWildcard(string host) => host is "0.0.0.0" or "::" or "[::]";

    private static void Positive(List<string> errors, int value, string setting, string unit)
    {
        if (value <= 0)
        {
            errors.Add($"{setting} is {value}; it must be at least 1 {unit}.");
        }
    }

    // Timers and cancellation sources take at most about 24.8 days (int milliseconds).
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(24);

    private static void NotNegative(List<string> errors, TimeSpan value, string setting)
    {
        if (value < TimeSpan.Zero)
        {
            errors.Add($"{setting} is {value}; use 0 to turn it off or a positive duration.");
        }
        else if (value > MaxTimeout)
        {
            errors.Add($"{setting} is {value}; the longest supported is 24 days (24d is written 576h).");
        }
    }

    private static void Buffers(List<string> errors, SocketOptions sockets, string section)
    {
        if (sockets.ReceiveBufferSize < 0)
        {
            errors.Add($"{section}:ReceiveBufferSize is {sockets.ReceiveBufferSize}; use 0 for the OS default or a size in bytes.");
        }

        if (sockets.SendBufferSize < 0)
        {
            errors.Add($"{section}:SendBufferSize is {sockets.SendBufferSize}; use 0 for the OS default or a size in bytes.");
        }
    }
}
