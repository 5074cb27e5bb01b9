namespace KafkaProxy.Core.Flushing;

/// <summary>
/// Reads the messages of one segment file in order, each with the topic named before it, up to its end mark. At the
/// first record that is cut short or fails its CRC before an end mark (a torn tail), the file is cut back to the end of
/// the last good record and flushed to disk; <see cref="TornOffset"/> and <see cref="TornBytes"/> say where and how much.
/// </summary>
internal sealed class SpoolSegmentReader : IDisposable
{
    private readonly FileStream _file;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private long _offset; // file offset of _buffer[_start]
    private bool _eof;
    private readonly long? _sequence; // null in a version 1 segment, whose CRCs do not carry it
    private string? _topic;

    /// <summary>Opens segment <paramref name="sequence"/> at <paramref name="path"/>; the caller has checked that it starts with a magic of the spool.</summary>
    public SpoolSegmentReader(string path, long sequence)
    {
        _file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        Span<byte> magic = stackalloc byte[SpoolFormat.Magic.Length];
        _file.ReadExactly(magic);
        _sequence = magic.SequenceEqual(SpoolFormat.MagicVersion1) ? null : sequence;
        _offset = SpoolFormat.Magic.Length;
    }

    /// <summary>Where the torn tail began, or -1 when the segment ended cleanly.</summary>
    public long TornOffset { get; private set; } = -1;

    /// <summary>How many bytes were cut off.</summary>
    public long TornBytes { get; private set; }

    /// <summary>The file's length after reading (after a cut).</summary>
    public long Length => _file.Length;

    /// <summary>The next message and its topic; false at the end of the segment (after any torn tail was cut off).</summary>
    public bool TryReadNext(out string topic, out SpoolRecord message)
    {
        while (true)
        {
            var status = SpoolFormat.TryRead(_buffer.AsSpan(_start, _end - _start), _sequence, out var record, out int consumed);
            if (status == SpoolRead.End)
            {
                // What follows is left from the file's earlier use.
                _start = _end;
                _eof = true;
                break;
            }

            if (status == SpoolRead.Complete)
            {
                _start += consumed;
                _offset += consumed;
                if (record.Kind == SpoolFormat.TopicKind)
                {
                    _topic = record.Topic;
                    continue;
                }

                if (_topic is null)
                {
                    // A message before any topic record: the segment was not written by the spool.
                    Cut();
                    break;
                }

                topic = _topic;
                message = record;
                return true;
            }

            if (status == SpoolRead.Incomplete && !_eof)
            {
                Fill(SpoolFormat.DeclaredLength(_buffer.AsSpan(_start, _end - _start)));
                continue;
            }

            if (_start < _end || status == SpoolRead.Corrupt)
            {
                Cut();
            }

            break;
        }

        topic = "";
        message = default;
        return false;
    }

    public void Dispose() => _file.Dispose();

    // Reads more of the file, growing the buffer when one record needs more than it holds.
    private void Fill(long needed)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        long left = _file.Length - _file.Position;
        if (needed > _buffer.Length && needed <= _end + left)
        {
            Array.Resize(ref _buffer, (int)Math.Min(Array.MaxLength, needed));
        }

        int read = _file.Read(_buffer, _end, _buffer.Length - _end);
        _end += read;
        _eof = read == 0 || _file.Position == _file.Length;
    }

    private void Cut()
    {
        TornOffset = _offset;
        TornBytes = _file.Length - _offset;
        _file.SetLength(_offset);
        _file.Flush(flushToDisk: true);
        _start = _end;
    }
}
