using System.Buffers;
using BenchmarkDotNet.Attributes;
using KafkaProxy.Protocol.Frames;
using KafkaProxy.Protocol.Headers;

namespace KafkaProxy.Benchmarks;

/// <summary>
/// The header reads each pump does per frame, alone: the request header prefix (api key, version, correlation id)
/// and the correlation id of a response, each in one segment and cut across two inside the field. Target: 0 B.
/// </summary>
[MemoryDiagnoser]
public class HeaderParseBenchmarks
{
    private const int ResponseCorrelationId = 7;

    private ReadOnlySequence<byte> _request;
    private ReadOnlySequence<byte> _requestCut;
    private ReadOnlySequence<byte> _response;
    private ReadOnlySequence<byte> _responseCut;

    [GlobalSetup]
    public void Setup()
    {
        byte[] request = Wire.ProduceRequestFrame()[KafkaFrame.SizePrefixLength..];
        _request = new ReadOnlySequence<byte>(request);

        // Cut inside the correlation id (payload byte 5): the prefix is copied out of two segments.
        _requestCut = Segments.SplitAt(request, 5);

        // A response payload: correlation id 7, then a body the header reader never looks at.
        byte[] response = new byte[64];
        response[3] = ResponseCorrelationId;
        _response = new ReadOnlySequence<byte>(response);
        _responseCut = Segments.SplitAt(response, 2);

        foreach (var buffer in (ReadOnlySequence<byte>[])[_request, _requestCut])
        {
            if (!RequestHeader.TryReadPrefix(buffer, out var header) || header.ApiKey != 0 || header.ApiVersion != 9)
            {
                throw new InvalidOperationException("the benchmark request did not parse to Produce v9");
            }
        }

        foreach (var buffer in (ReadOnlySequence<byte>[])[_response, _responseCut])
        {
            if (!ResponseHeader.TryReadCorrelationId(buffer, out int id) || id != ResponseCorrelationId)
            {
                throw new InvalidOperationException("the benchmark response did not parse to its correlation id");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public int RequestHeader_SingleSegment() => RequestHeader.TryReadPrefix(_request, out var header) ? header.CorrelationId : -1;

    [Benchmark]
    public int RequestHeader_CutInCorrelationId() => RequestHeader.TryReadPrefix(_requestCut, out var header) ? header.CorrelationId : -1;

    [Benchmark]
    public int ResponseHeader_SingleSegment() => ResponseHeader.TryReadCorrelationId(_response, out int id) ? id : -1;

    [Benchmark]
    public int ResponseHeader_CutInCorrelationId() => ResponseHeader.TryReadCorrelationId(_responseCut, out int id) ? id : -1;
}
