using Microsoft.Extensions.Options;

namespace KafkaProxy.Core.Configuration;

/// <summary>Checks <see cref="KafkaProxyOptions"/> at start; every message names the setting and the fix.</summary>
internal sealed class KafkaProxyOptionsValidator : IValidateOptions<KafkaProxyOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, KafkaProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Brokers.Count == 0)
        {
            errors.Add("No broker is mapped: add at least one --bootstrap-server-mapping \"broker:port,local:port\" (Brokers).");
        }

        var upstreams = new HashSet<HostPort>();
        var listens = new HashSet<HostPort>();
        foreach (var broker in options.Brokers)
        {
            if (broker.Upstream.Port == 0)
            {
                errors.Add($"Broker mapping '{broker}': the broker's port must not be 0.");
            }

            if (!upstreams.Add(broker.Upstream))
            {
                errors.Add($"Broker {broker.Upstream} is mapped twice: keep one --bootstrap-server-mapping for it.");
            }

            if (IsWildcard(broker.Listen.Host) && broker.Advertised is null)
            {
                errors.Add($"Broker mapping '{broker}' listens on {broker.Listen.Host}, which clients cannot connect to: add the advertised address as a third part, 'broker:port,local:port,advertised:port'.");
            }

            if (broker.Listen.Port != 0 && !listens.Add(broker.Listen))
            {
                errors.Add($"Listen address {broker.Listen} is used by two broker mappings: give each its own port.");
            }
        }

        foreach (var external in options.ExternalServers)
        {
            if (upstreams.Contains(external.From))
            {
                errors.Add($"Broker {external.From} has both a bootstrap mapping and an external mapping: keep one.");
            }
        }

        Positive(errors, options.MaxFrameSize, "MaxFrameSize (--max-frame-size)", "bytes");
        Positive(errors, options.MaxInFlightRequests, "MaxInFlightRequests (--kafka-max-open-requests)", "requests");
        Positive(errors, options.MaxConnections, "MaxConnections (--max-connections)", "connections");
        if (options.DialTimeout <= TimeSpan.Zero)
        {
            errors.Add($"DialTimeout (--kafka-dial-timeout) is {options.DialTimeout}; it must be positive, for example 15s.");
        }
        else
        {
            NotNegative(errors, options.DialTimeout, "DialTimeout (--kafka-dial-timeout)");
        }

        NotNegative(errors, options.UpstreamReadTimeout, "UpstreamReadTimeout (--kafka-read-timeout)");
        NotNegative(errors, options.WriteTimeout, "WriteTimeout (--kafka-write-timeout)");
        NotNegative(errors, options.IdleTimeout, "IdleTimeout (--idle-timeout)");
        NotNegative(errors, options.DrainTimeout, "DrainTimeout (--drain-timeout)");
        Buffers(errors, options.ListenerSockets, "proxy-listener");
        Buffers(errors, options.UpstreamSockets, "kafka-connection");

        var dynamic = options.DynamicListeners;
        if (string.IsNullOrWhiteSpace(dynamic.BindAddress))
        {
            errors.Add("DynamicListeners.BindAddress (--default-listener-ip) is empty: use 127.0.0.1, or 0.0.0.0 to listen on every interface.");
        }

        if (IsWildcard(dynamic.BindAddress) && string.IsNullOrWhiteSpace(dynamic.AdvertisedHost))
        {
            errors.Add($"Dynamic listeners bind to {dynamic.BindAddress}, which clients cannot connect to: set --dynamic-advertised-listener to the host clients should use.");
        }

        if (dynamic.SequentialMinPort is < 0 or > 65535)
        {
            errors.Add($"DynamicListeners.SequentialMinPort (--dynamic-sequential-min-port) is {dynamic.SequentialMinPort}; use 0 (random ports) or a port up to 65535.");
        }

        if (dynamic.Deterministic && dynamic.SequentialMinPort == 0)
        {
            errors.Add("--deterministic-listeners needs --dynamic-sequential-min-port: the port is that minimum plus the broker id.");
        }

        ClientTls(errors, options.ClientTls);
        ClientAuth(errors, options.ClientAuth);
        UpstreamTls(errors, options.UpstreamTls);
        UpstreamSasl(errors, options.UpstreamSasl);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ClientTls(List<string> errors, ClientTlsOptions tls)
    {
        if (!tls.Enabled)
        {
            return;
        }

        if (string.IsNullOrEmpty(tls.CertFile) || string.IsNullOrEmpty(tls.KeyFile))
        {
            errors.Add("--proxy-listener-tls-enable needs the server certificate and its key: give --proxy-listener-cert-file and --proxy-listener-key-file (ClientTls.CertFile, KeyFile).");
        }

        FileExists(errors, tls.CertFile, "--proxy-listener-cert-file (ClientTls.CertFile)");
        FileExists(errors, tls.KeyFile, "--proxy-listener-key-file (ClientTls.KeyFile)");
        FileExists(errors, tls.ClientCaChainCertFile, "--proxy-listener-ca-chain-cert-file (ClientTls.ClientCaChainCertFile)");
        if (tls.HandshakeTimeout <= TimeSpan.Zero)
        {
            errors.Add($"ClientTls.HandshakeTimeout is {tls.HandshakeTimeout}; it must be positive, for example 15s.");
        }
    }

    private static void ClientAuth(List<string> errors, ClientAuthOptions auth)
    {
        if (!auth.Enabled)
        {
            return;
        }

        if (string.IsNullOrEmpty(auth.CredentialsFile))
        {
            errors.Add("--auth-local-enable needs --auth-local-credentials-file (ClientAuth.CredentialsFile): make its lines with 'kafka-proxy credentials --username <user>' or ClientCredentialFile.CreateLine.");
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
            FileExists(errors, auth.CredentialsFile, "--auth-local-credentials-file (ClientAuth.CredentialsFile)");
        }

        if (auth.Mechanisms.Count == 0 || auth.Mechanisms.Any(m => !SaslMechanismNames.All.Contains(m)))
        {
            errors.Add($"--auth-local-mechanism (ClientAuth.Mechanisms) is '{string.Join(",", auth.Mechanisms)}'; give one or more of {string.Join(", ", SaslMechanismNames.All)}, comma-separated.");
        }

        if (auth.Timeout <= TimeSpan.Zero || auth.Timeout > MaxTimeout)
        {
            errors.Add($"--auth-local-timeout (ClientAuth.Timeout) is {auth.Timeout}; it must be positive and at most 24 days, for example 10s.");
        }
    }

    private static void UpstreamTls(List<string> errors, UpstreamTlsOptions tls)
    {
        if (!tls.Enabled)
        {
            return;
        }

        if (string.IsNullOrEmpty(tls.ClientCertFile) != string.IsNullOrEmpty(tls.ClientKeyFile))
        {
            errors.Add("Mutual TLS needs both --tls-client-cert-file and --tls-client-key-file (UpstreamTls.ClientCertFile, ClientKeyFile): give both or neither.");
        }

        FileExists(errors, tls.CaChainCertFile, "--tls-ca-chain-cert-file (UpstreamTls.CaChainCertFile)");
        FileExists(errors, tls.ClientCertFile, "--tls-client-cert-file (UpstreamTls.ClientCertFile)");
        FileExists(errors, tls.ClientKeyFile, "--tls-client-key-file (UpstreamTls.ClientKeyFile)");
        if (tls.UseSystemTrustStore && string.IsNullOrEmpty(tls.CaChainCertFile))
        {
            errors.Add("--tls-system-cert-pool (UpstreamTls.UseSystemTrustStore) adds the system store to --tls-ca-chain-cert-file, which is not set; without a CA file the system store is used anyway: drop the flag or add the CA file.");
        }

        if (tls.HandshakeTimeout <= TimeSpan.Zero)
        {
            errors.Add($"UpstreamTls.HandshakeTimeout is {tls.HandshakeTimeout}; it must be positive, for example 15s.");
        }
    }

    private static void UpstreamSasl(List<string> errors, UpstreamSaslOptions sasl)
    {
        if (!sasl.Enabled)
        {
            return;
        }

        if (!SaslMechanismNames.All.Contains(sasl.Mechanism))
        {
            errors.Add($"--sasl-method (UpstreamSasl.Mechanism) is '{sasl.Mechanism}'; use one of {string.Join(", ", SaslMechanismNames.All)}.");
        }

        if (!string.IsNullOrEmpty(sasl.JaasConfigFile))
        {
            FileExists(errors, sasl.JaasConfigFile, "--sasl-jaas-config-file (UpstreamSasl.JaasConfigFile)");
        }
        else if (string.IsNullOrEmpty(sasl.Username) || string.IsNullOrEmpty(sasl.Password))
        {
            errors.Add("--sasl-enable needs credentials: give --sasl-username and --sasl-password (or the SASL_PASSWORD environment variable), or --sasl-jaas-config-file.");
        }

        if (sasl.HandshakeVersion is not (0 or 1))
        {
            errors.Add($"--sasl-handshake-version (UpstreamSasl.HandshakeVersion) is {sasl.HandshakeVersion}; use 1 (Kafka 1.0 and later) or 0 (older brokers).");
        }

        if (sasl.Timeout <= TimeSpan.Zero || sasl.Timeout > MaxTimeout)
        {
            errors.Add($"UpstreamSasl.Timeout is {sasl.Timeout}; it must be positive and at most 24 days, for example 15s.");
        }

        if (!(sasl.ReauthenticateAt > 0 && sasl.ReauthenticateAt < 1))
        {
            errors.Add($"UpstreamSasl.ReauthenticateAt is {sasl.ReauthenticateAt}; it is a fraction of the session lifetime between 0 and 1, for example 0.85.");
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

    private static void Buffers(List<string> errors, SocketOptions sockets, string prefix)
    {
        if (sockets.ReceiveBufferSize < 0)
        {
            errors.Add($"--{prefix}-read-buffer-size is {sockets.ReceiveBufferSize}; use 0 for the OS default or a size in bytes.");
        }

        if (sockets.SendBufferSize < 0)
        {
            errors.Add($"--{prefix}-write-buffer-size is {sockets.SendBufferSize}; use 0 for the OS default or a size in bytes.");
        }
    }
}
