#pragma warning disable IDE0130 // Extension entry points live in the DI namespace, as ASP.NET Core's and YARP's do.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>What <c>services.AddKafkaProxy()</c> returns: chain further registrations onto it.</summary>
public interface IKafkaProxyBuilder
{
    /// <summary>The service collection being configured.</summary>
    IServiceCollection Services { get; }
}
