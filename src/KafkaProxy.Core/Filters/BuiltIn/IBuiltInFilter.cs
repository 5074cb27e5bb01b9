namespace KafkaProxy.Core.Filters.BuiltIn;

/// <summary>
/// Marks a filter of the proxy's own that finishes at once and cannot hang: the chain calls it without arming the
/// filter deadline, so that a frame it handles costs no timer work.
/// </summary>
internal interface IBuiltInFilter
{
}
