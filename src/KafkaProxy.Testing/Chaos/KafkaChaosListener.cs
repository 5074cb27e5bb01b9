using System.Diagnostics.CodeAnalysis;
using KafkaProxy.Core;
using KafkaProxy.Core.Chaos;

namespace KafkaProxy.Testing.Chaos;

/// <summary>
/// One broker behind a <see cref="KafkaChaosProxy"/> (Toxiproxy's "proxy"): take it away, bring it back, and add or
/// remove the toxics of its connections while clients run. Thread-safe.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class KafkaChaosListener
{
    private readonly ChaosProxy _proxy;

    internal KafkaChaosListener(ChaosProxy proxy) => _proxy = proxy;

    /// <summary><c>broker-&lt;node id&gt;</c>.</summary>
    public string Name => _proxy.Name;

    /// <summary>The loopback address the listener is bound to.</summary>
    public string Listen => _proxy.Listen;

    /// <summary>The broker its connections go to.</summary>
    public string Upstream => _proxy.Upstream;

    /// <summary>False while the broker is taken away.</summary>
    public bool Enabled => _proxy.Enabled;

    /// <summary>The toxics, in the order they were added, with every attribute (defaults included).</summary>
    public IReadOnlyList<ChaosToxic> Toxics => [.. _proxy.Toxics.Select(ChaosToxic.From)];

    /// <summary>
    /// Takes the broker away: its open connections close, and new ones are accepted and closed at once until
    /// <see cref="Enable"/> (the port stays the same).
    /// </summary>
    public void Disable() => _proxy.SetEnabled(false);

    /// <summary>Brings the broker back on the same port.</summary>
    public void Enable() => _proxy.SetEnabled(true);

    /// <summary>Adds <paramref name="toxic"/>; it applies at once to open connections and to new ones.</summary>
    /// <returns>The toxic as added: its name and every attribute.</returns>
    /// <exception cref="ArgumentException">The type or an attribute is wrong; the message names the field.</exception>
    /// <exception cref="InvalidOperationException">A toxic of that name exists on this broker.</exception>
    public ChaosToxic AddToxic(ChaosToxic toxic)
    {
        ArgumentNullException.ThrowIfNull(toxic);
        string stream = toxic.Stream == ChaosDirection.Upstream ? "upstream" : "downstream";
        return Translate(() => ChaosToxic.From(_proxy.AddToxic(toxic.Name, toxic.Type, stream, toxic.Toxicity, toxic.AttributesJson())));
    }

    /// <summary>Removes the toxic named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No toxic has that name.</exception>
    public void RemoveToxic(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Translate(() =>
        {
            _proxy.RemoveToxic(name);
            return 0;
        });
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Listen} → {Upstream}{(Enabled ? string.Empty : ", disabled")})";

    private static T Translate<T>(Func<T> change)
    {
        try
        {
            return change();
        }
        catch (ChaosRequestException ex) when (ex.Status == ChaosRequestException.NotFound)
        {
            throw new KeyNotFoundException(ex.Message, ex);
        }
        catch (ChaosRequestException ex) when (ex.Status == ChaosRequestException.Conflict)
        {
            throw new InvalidOperationException(ex.Message, ex);
        }
        catch (ChaosRequestException ex)
        {
            throw new ArgumentException(ex.Message, ex);
        }
    }
}
