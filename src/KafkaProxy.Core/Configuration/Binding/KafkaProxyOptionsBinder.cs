using KafkaProxy.Protocol.Headers;
using Microsoft.Extensions.Configuration;

namespace KafkaProxy.Core.Configuration.Binding;

/// <summary>
/// Binds <see cref="KafkaProxyOptions"/> from a configuration section (conventionally <c>KafkaProxy</c>). Host:port values
/// and mappings bind from the text the flags write or from objects; durations from Go-style or <see cref="TimeSpan"/>
/// text; lists from items or from one separated value. Problems are collected for the validator, never thrown.
/// </summary>
internal static class KafkaProxyOptionsBinder
{
    /// <summary>
    /// Sections under the proxy's that other components read; they are not the proxy's unknown keys. <c>Filters</c> holds
    /// the options of the user's filters, each bound by its own registration; <c>Chaos</c> is the host's chaos API.
    /// </summary>
    public static readonly string[] OtherComponents = ["Flusher", "HttpPush", "Http", "Filters", "Chaos", VirtualClusterBinder.Section];

    /// <summary>Binds <paramref name="section"/> onto <paramref name="options"/>; settings absent from it keep their values.</summary>
    public static void Bind(IConfiguration section, KafkaProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        var reader = new SectionReader(section, options.ConfigurationProblems);
        options.ConfigurationPath = reader.SectionPath;
        Read(reader, options);
        reader.ReportUnknownKeys(OtherComponents);
    }

    /// <summary>Every setting's key relative to the section, in documentation order.</summary>
    public static IReadOnlyList<string> Keys()
    {
        var reader = new SectionReader(new ConfigurationBuilder().Build(), new List<string>());
        Read(reader, new KafkaProxyOptions());
        return reader.Declared;
    }

    private static void Read(SectionReader r, KafkaProxyOptions o)
    {
        Replace(o.Brokers, r.Items("Brokers", ';', BrokerMapping.Parse, BrokerFromObject));
        Replace(o.ExternalServers, r.Items("ExternalServers", ';', AddressMapping.Parse, AddressFromObject));
        Replace(o.DialAddresses, r.Items("DialAddresses", ';', AddressMapping.Parse, AddressFromObject));
        ApiKeys(r, "ForbiddenApiKeys", o.ForbiddenApiKeys, "names such as CreateTopics, for example [19, 20]");

        Set(r.Int("MaxFrameSize"), v => o.MaxFrameSize = v);
        Set(r.Int("MaxInFlightRequests"), v => o.MaxInFlightRequests = v);
        Set(r.Int("MaxConnections"), v => o.MaxConnections = v);
        Set(r.Bool("ForwardInKernel"), v => o.ForwardInKernel = v);
        Set(r.Duration("DialTimeout"), v => o.DialTimeout = v);
        Set(r.Duration("FilterTimeout"), v => o.FilterTimeout = v);
        Set(r.Duration("UpstreamReadTimeout"), v => o.UpstreamReadTimeout = v);
        Set(r.Duration("WriteTimeout"), v => o.WriteTimeout = v);
        Set(r.Duration("IdleTimeout"), v => o.IdleTimeout = v);
        Set(r.Duration("DrainTimeout"), v => o.DrainTimeout = v);

        var dynamic = r.Child("DynamicListeners");
        Set(dynamic.Bool("Enabled"), v => o.DynamicListeners.Enabled = v);
        SetText(dynamic.Text("BindAddress"), v => o.DynamicListeners.BindAddress = v);
        SetText(dynamic.Text("AdvertisedHost"), v => o.DynamicListeners.AdvertisedHost = v);
        Set(dynamic.Int("SequentialMinPort"), v => o.DynamicListeners.SequentialMinPort = v);
        Set(dynamic.Bool("Deterministic"), v => o.DynamicListeners.Deterministic = v);
        Set(dynamic.Int("MaxListeners"), v => o.DynamicListeners.MaxListeners = v);

        var sni = r.Child("Sni");
        if (sni.Parsed("ListenerAddress", HostPort.Parse) is { } sniListener)
        {
            o.Sni.ListenerAddress = sniListener;
        }

        SetText(sni.Text("BootstrapHost"), v => o.Sni.BootstrapHost = v.Trim());
        SetText(sni.Text("HostPattern"), v => o.Sni.HostPattern = v.Trim());
        Set(sni.Int("AdvertisedPort"), v => o.Sni.AdvertisedPort = v);
        if (sni.List("UpstreamBootstrapServers", ',', ';') is { } bootstraps)
        {
            o.Sni.UpstreamBootstrapServers.Clear();
            foreach (string server in bootstraps)
            {
                try
                {
                    o.Sni.UpstreamBootstrapServers.Add(HostPort.Parse(server));
                }
                catch (FormatException ex)
                {
                    sni.Error("UpstreamBootstrapServers", ex.Message);
                }
            }
        }

        var nodePorts = r.Child("NodePorts");
        Set(nodePorts.Int("Base"), v => o.NodePorts.Base = v);
        SetText(nodePorts.Text("AdvertisedHost"), v => o.NodePorts.AdvertisedHost = v.Trim());
        SetText(nodePorts.Text("ListenHost"), v => o.NodePorts.ListenHost = v.Trim());
        Set(nodePorts.Int("NodeIdMax"), v => o.NodePorts.NodeIdMax = v);

        Sockets(r.Child("ListenerSockets"), o.ListenerSockets);
        Sockets(r.Child("UpstreamSockets"), o.UpstreamSockets);

        var clientTls = r.Child("ClientTls");
        Set(clientTls.Bool("Enabled"), v => o.ClientTls.Enabled = v);
        SetText(clientTls.Text("CertFile"), v => o.ClientTls.CertFile = v);
        SetText(clientTls.Text("KeyFile"), v => o.ClientTls.KeyFile = v);
        SetText(clientTls.Text("KeyPassword"), v => o.ClientTls.KeyPassword = v);
        SetText(clientTls.Text("ClientCaChainCertFile"), v => o.ClientTls.ClientCaChainCertFile = v);
        Set(clientTls.Duration("HandshakeTimeout"), v => o.ClientTls.HandshakeTimeout = v);

        var clientAuth = r.Child("ClientAuth");
        Set(clientAuth.Bool("Enabled"), v => o.ClientAuth.Enabled = v);
        SetText(clientAuth.Text("CredentialsFile"), v => o.ClientAuth.CredentialsFile = v);
        if (clientAuth.List("Mechanisms", ',') is { } mechanisms)
        {
            o.ClientAuth.Mechanisms.Clear();
            foreach (string mechanism in mechanisms.Select(m => m.ToUpperInvariant()).Distinct(StringComparer.Ordinal))
            {
                o.ClientAuth.Mechanisms.Add(mechanism);
            }
        }

        Set(clientAuth.Duration("Timeout"), v => o.ClientAuth.Timeout = v);

        var upstreamTls = r.Child("UpstreamTls");
        Set(upstreamTls.Bool("Enabled"), v => o.UpstreamTls.Enabled = v);
        SetText(upstreamTls.Text("CaChainCertFile"), v => o.UpstreamTls.CaChainCertFile = v);
        Set(upstreamTls.Bool("UseSystemTrustStore"), v => o.UpstreamTls.UseSystemTrustStore = v);
        SetText(upstreamTls.Text("ClientCertFile"), v => o.UpstreamTls.ClientCertFile = v);
        SetText(upstreamTls.Text("ClientKeyFile"), v => o.UpstreamTls.ClientKeyFile = v);
        SetText(upstreamTls.Text("ClientKeyPassword"), v => o.UpstreamTls.ClientKeyPassword = v);
        SetText(upstreamTls.Text("ServerName"), v => o.UpstreamTls.ServerName = v);
        Set(upstreamTls.Bool("InsecureSkipVerify"), v => o.UpstreamTls.InsecureSkipVerify = v);
        Set(upstreamTls.Duration("HandshakeTimeout"), v => o.UpstreamTls.HandshakeTimeout = v);

        var sasl = r.Child("UpstreamSasl");
        Set(sasl.Bool("Enabled"), v => o.UpstreamSasl.Enabled = v);
        SetText(sasl.Text("Mechanism"), v => o.UpstreamSasl.Mechanism = v.Trim().ToUpperInvariant());
        SetText(sasl.Text("Username"), v => o.UpstreamSasl.Username = v);
        SetText(sasl.Text("Password"), v => o.UpstreamSasl.Password = v);
        SetText(sasl.Text("JaasConfigFile"), v => o.UpstreamSasl.JaasConfigFile = v);
        Set(sasl.Short("HandshakeVersion"), v => o.UpstreamSasl.HandshakeVersion = v);
        Set(sasl.Duration("Timeout"), v => o.UpstreamSasl.Timeout = v);
        Set(sasl.Double("ReauthenticateAt"), v => o.UpstreamSasl.ReauthenticateAt = v);

        var policies = r.Child("Policies");
        if (policies.Text("RequireAcks") is { } acks)
        {
            o.Policies.RequireAcks = acks.Trim().ToUpperInvariant() switch
            {
                "ALL" or "-1" => (short)-1,
                "LEADER" or "1" => (short)1,
                _ => Refuse<short>(policies, "RequireAcks", $"'{acks}' is not all or leader (acks=-1 or acks=1)."),
            };
        }

        Set(policies.Int("MaxRecordBatchBytes"), v => o.Policies.MaxRecordBatchBytes = v);
        Set(policies.Bool("RequireIdempotence"), v => o.Policies.RequireIdempotence = v);
        if (policies.List("AllowedCompression", ',') is { } codecs)
        {
            o.Policies.AllowedCompression.Clear();
            foreach (string codec in codecs)
            {
                o.Policies.AllowedCompression.Add(codec.ToLowerInvariant());
            }
        }

        Set(policies.Short("CreateTopicsMinReplicationFactor"), v => o.Policies.CreateTopicsMinReplicationFactor = v);
        Set(policies.Int("CreateTopicsMaxPartitions"), v => o.Policies.CreateTopicsMaxPartitions = v);
        SetText(policies.Text("TopicNamePattern"), v => o.Policies.TopicNamePattern = v);

        var audit = r.Child("Audit");
        SetText(audit.Text("Path"), v => o.Audit.Path = v);
        Set(audit.Bool("Logger"), v => o.Audit.Logger = v);
        ApiKeys(audit, "ApiKeys", o.Audit.ApiKeys, "names such as Produce, for example [Produce, Fetch, 19]");

        Set(audit.Int("Capacity"), v => o.Audit.Capacity = v);

        var tracing = r.Child("Tracing");
        ApiKeys(tracing, "ApiKeys", o.Tracing.ApiKeys, "names such as Produce, for example [Produce, Fetch, 19]");

        Set(tracing.Double("SampleRatio"), v => o.Tracing.SampleRatio = v);
    }

    private static T? Refuse<T>(SectionReader reader, string name, string message)
        where T : struct
    {
        reader.Error(name, message);
        return null;
    }

    private static void Sockets(SectionReader r, SocketOptions sockets)
    {
        Set(r.Int("ReceiveBufferSize"), v => sockets.ReceiveBufferSize = v);
        Set(r.Int("SendBufferSize"), v => sockets.SendBufferSize = v);
        Set(r.Duration("KeepAlive"), v => sockets.KeepAlive = v);
    }

    private static BrokerMapping? BrokerFromObject(SectionReader item)
    {
        var upstream = Required(item, "Upstream", "the broker's address as the cluster advertises it, such as broker-1:9092");
        var listen = Required(item, "Listen", "where the proxy listens for this broker, such as 127.0.0.1:19092");
        var advertised = item.Parsed("Advertised", HostPort.Parse);
        return upstream is { } u && listen is { } l ? new BrokerMapping { Upstream = u, Listen = l, Advertised = advertised } : null;
    }

    private static AddressMapping? AddressFromObject(SectionReader item)
    {
        var from = Required(item, "From", "the broker's advertised address, such as broker-1:9092");
        var to = Required(item, "To", "the other address, such as 10.0.0.5:9092");
        return from is { } f && to is { } t ? new AddressMapping { From = f, To = t } : null;
    }

    private static HostPort? Required(SectionReader item, string name, string what)
    {
        if (item.Parsed(name, HostPort.Parse) is { } value)
        {
            return value;
        }

        if (item.Text(name) is null)
        {
            item.Error(name, $"is missing: give {what}.");
        }

        return null;
    }

    // A list of api keys, by number or name, in place of the target's when the setting is given; each key that is
    // neither is an error naming the setting, with `example` for what to write instead.
    private static void ApiKeys(SectionReader reader, string name, ISet<short> target, string example)
    {
        if (reader.List(name, ',') is not { } keys)
        {
            return;
        }

        target.Clear();
        foreach (string key in keys)
        {
            if (ApiKeyOf(key) is { } parsed)
            {
                target.Add(parsed);
            }
            else
            {
                reader.Error(name, $"'{key}' is not an api key: give numbers from 0 to 32767 or {example}.");
            }
        }
    }

    private static short? ApiKeyOf(string text) =>
        short.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out short number) ? number
        : Enum.TryParse<ApiKey>(text, ignoreCase: true, out var named) && !char.IsAsciiDigit(text[0]) && text[0] != '-' ? (short)named
        : null;

    private static void Replace<T>(IList<T> target, List<T>? items)
    {
        if (items is null)
        {
            return;
        }

        target.Clear();
        foreach (var item in items)
        {
            target.Add(item);
        }
    }

    private static void Set<T>(T? value, Action<T> apply)
        where T : struct
    {
        if (value is { } v)
        {
            apply(v);
        }
    }

    private static void SetText(string? value, Action<string> apply)
    {
        if (value is not null)
        {
            apply(value);
        }
    }
}
