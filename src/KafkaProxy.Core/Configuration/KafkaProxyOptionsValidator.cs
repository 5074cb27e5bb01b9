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
        if (options.Brokers.Count == 0)
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

        ClientTls(errors, key, options.ClientTls);
        ClientAuth(errors, key, options.ClientAuth);
        UpstreamTls(errors, key, options.UpstreamTls);
        UpstreamSasl(errors, key, options.UpstreamSasl);
        Policies(errors, key, options.Policies);
        Audit(errors, key, options.Audit);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
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
