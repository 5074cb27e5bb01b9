namespace KafkaProxy.Core.Chaos;

/// <summary>
/// A change to the chaos state that is refused: <see cref="Status"/> is the HTTP status the Toxiproxy API answers with
/// (400 for a bad value, naming the field; 404 for an unknown proxy or toxic; 409 for a duplicate toxic name).
/// </summary>
internal sealed class ChaosRequestException : Exception
{
    public const int BadRequest = 400;
    public const int NotFound = 404;
    public const int Conflict = 409;

    public ChaosRequestException(int status, string message)
        : base(message) => Status = status;

    public ChaosRequestException()
    {
    }

    public ChaosRequestException(string message)
        : base(message)
    {
    }

    public ChaosRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Status { get; } = BadRequest;

    public static ChaosRequestException Field(string field, string problem) => new(BadRequest, $"{field}: {problem}");
}
