using System.Buffers;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Flushing;

/// <summary>
/// The gateway's disk spool: accepted messages are appended to the current segment file and fsynced before their
/// request is answered. Group commit: one writer at a time takes every request queued while the last group was being
/// written and makes them durable with one write and one fsync. The writer is the request that found no write going
/// on (so a lone client pays no thread switch); after one group it hands the next to the spool's own writer thread, so
/// no request waits for others' writes and no thread-pool thread waits for the disk. A segment is given up once every
/// message in it was settled: its file is kept as a spare (up to <see cref="MaxSpares"/>) for a later segment to be
/// written over in place, which the disk makes durable faster than an append (no block allocation and no file size to
/// journal), or deleted.
/// At most <see cref="BatchingFlusherOptions.MaxSpoolBytes"/> of files (segments and spares) and reservations are held.
/// A segment is closed for writing (sealed) when it reaches a sixteenth of that, or once it holds messages and is
/// <see cref="RollAfter"/> old, writes or not: so after a crash only about the last tenth of a second of traffic, and what Kafka
/// had not acknowledged, is produced again.
/// </summary>
internal sealed class MessageSpool : IDisposable
{
    public const string Setting = "KAFKA_FLUSHER_SPOOL_DIR (KafkaProxy:Flusher:SpoolDirectory)";
    private const string Extension = ".spool";
    private const string SpareExtension = ".spare";

    /// <summary>How many settled segment files are kept for reuse.</summary>
    public const int MaxSpares = 2;

    /// <summary>The age at which a segment holding messages is sealed and a new one started.</summary>
    public static readonly TimeSpan RollAfter = TimeSpan.FromMilliseconds(100);

    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly long _segmentBytes;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<string, FileStream> _create;
    private readonly Action<SpoolAppend, SpoolSegment> _onDurable;
    private readonly object _queueLock = new();
    private readonly object _bytesLock = new();
    private List<SpoolAppend> _queue = [];
    private bool _closing;
    private bool _writing; // guarded by _queueLock: someone holds the writer's role
    private ITimer? _idleRoll;
    private readonly SemaphoreSlim _handOff = new(0); // wakes the writer thread, which then holds the writer's role
    private Thread? _writerThread;
    private volatile bool _writerThreadStopping;
    private int _disposed;
    private FileStream? _lock;

    // Guarded by _bytesLock.
    private long _bytes;
    private int _segments;
    private readonly Stack<(string Path, long Bytes)> _spares = new(); // their bytes are in _bytes
    private int _sparesComing; // slots taken by releases renaming a file into a spare
    private bool _keepSpares = true;

    // Owned by the writer thread (by Open before it starts).
    private FileStream? _file;
    private SpoolSegment? _current;
    private string? _currentTopic;
    private bool _broken;
    private ArrayBufferWriter<byte> _buffer = new(256 * 1024);
    private long _nextSequence;
    private long _currentStarted;
    private long _syncs;

    /// <param name="directory">Where the segments live.</param>
    /// <param name="maxBytes">The most the segments (and reservations) may take.</param>
    /// <param name="logger">The flusher's logger.</param>
    /// <param name="onDurable">Called on the writer thread, in the order of <see cref="Append"/>, once a request's messages are on disk and before it is told.</param>
    /// <param name="create">Opens a segment file, creating it if need be; it is renamed while open (tests replace it to make writes fail).</param>
    /// <param name="time">The clock of <see cref="RollAfter"/>.</param>
    public MessageSpool(string directory, long maxBytes, ILogger logger, Action<SpoolAppend, SpoolSegment> onDurable, Func<string, FileStream>? create = null, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _directory = Path.GetFullPath(directory);
        _maxBytes = maxBytes;
        _segmentBytes = Math.Clamp(maxBytes / 16, 64 * 1024, 64 * 1024 * 1024);
        _logger = logger;
        _onDurable = onDurable;
        _create = create ?? (path => new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0));
    }

    public string Directory => _directory;

    /// <summary>Bytes of the segment and spare files plus what requests being written reserved.</summary>
    public long Bytes
    {
        get
        {
            lock (_bytesLock)
            {
                return _bytes;
            }
        }
    }

    public int Segments
    {
        get
        {
            lock (_bytesLock)
            {
                return _segments;
            }
        }
    }

    /// <summary>Settled segment files kept for reuse.</summary>
    public int Spares
    {
        get
        {
            lock (_bytesLock)
            {
                return _spares.Count;
            }
        }
    }

    /// <summary>
    /// The part of <see cref="Bytes"/> that spares take: given up whenever a request needs the room, so not counted
    /// against it by <see cref="HasRoomFor"/>.
    /// </summary>
    public long SpareBytes
    {
        get
        {
            lock (_bytesLock)
            {
                return SpareBytesLocked();
            }
        }
    }

    /// <summary>Whether <paramref name="bytes"/> more would fit now, spares given up if need be (a check, nothing reserved).</summary>
    public bool HasRoomFor(long bytes)
    {
        lock (_bytesLock)
        {
            return _bytes - SpareBytesLocked() + bytes <= _maxBytes;
        }
    }

    /// <summary>fsyncs of the segments so far: with many requests at once, fewer than the requests.</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    public long MaxBytes => _maxBytes;

    /// <summary>
    /// Takes the directory (creating it, and locking it against a second gateway), finds the segments a previous run
    /// left, in the order they were written, and starts a new segment for this run.
    /// </summary>
    /// <exception cref="IOException">The directory cannot be used; the message names the setting.</exception>
    public IReadOnlyList<SpoolSegment> Open()
    {
        var recovered = new List<SpoolSegment>();
        try
        {
            System.IO.Directory.CreateDirectory(_directory);
            _lock = new FileStream(Path.Combine(_directory, "spool.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
            foreach (string path in System.IO.Directory.EnumerateFiles(_directory, "*" + Extension).Order(StringComparer.Ordinal))
            {
                if (!long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out long sequence))
                {
                    continue;
                }

                _nextSequence = Math.Max(_nextSequence, sequence + 1);
                if (CheckMagic(path) is { } length)
                {
                    recovered.Add(new SpoolSegment(sequence, path, length, Release));
                    lock (_bytesLock)
                    {
                        _bytes += length;
                        _segments++;
                    }
                }
            }

            foreach (string path in System.IO.Directory.EnumerateFiles(_directory, "*" + SpareExtension))
            {
                // Only the spool's own spares (named by the sequence of the segment they were): other files are left alone.
                if (long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out long sequence))
                {
                    _nextSequence = Math.Max(_nextSequence, sequence + 1); // a new segment never has a reused file's old number
                    KeepOrDelete(path, new FileInfo(path).Length);
                }
            }

            Roll();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _lock?.Dispose();
            throw new IOException($"The spool directory {_directory} ({Setting}) cannot be used: {ex.Message} Make it a writable directory on local disk that no other gateway uses, or unset the setting to run without a spool.", ex);
        }

        _writerThread = new Thread(WriteHandedOffGroups) { IsBackground = true, Name = "Spool writer" };
        _writerThread.Start();
        _idleRoll = _time.CreateTimer(_ => RollIfIdleAndOld(), null, RollAfter, RollAfter);
        return recovered;
    }

    /// <summary>Reserves room for a request; false when the spool has none now.</summary>
    public bool TryReserve(long bytes)
    {
        List<string>? givenUp = null;
        lock (_bytesLock)
        {
            if (_bytes - SpareBytesLocked() + bytes > _maxBytes)
            {
                return false;
            }

            // The room is wanted for messages: spares go (deleted outside the lock).
            while (_bytes + bytes > _maxBytes && TakeSpareLocked(out string spare))
            {
                (givenUp ??= []).Add(spare);
            }

            _bytes += bytes;
        }

        foreach (string path in givenUp ?? [])
        {
            TryDelete(path);
        }

        return true;
    }

    /// <summary>
    /// Queues a request (its bytes reserved); call in the order the messages were accepted, then <see cref="Write"/>
    /// outside any lock of the caller's.
    /// </summary>
    public void Append(SpoolAppend append)
    {
        lock (_queueLock)
        {
            if (_closing)
            {
                Unreserve(append.ReservedBytes);
                append.Complete(false);
                return;
            }

            _queue.Add(append);
        }
    }

    /// <summary>
    /// Writes what is queued when no one else is writing, on the calling thread (it blocks for one write and fsync);
    /// otherwise returns at once and the writer of the moment takes the queued requests next.
    /// </summary>
    public void Write()
    {
        lock (_queueLock)
        {
            if (_writing || _queue.Count == 0)
            {
                return;
            }

            _writing = true;
        }

        WriteOneGroupThenHandOff();
    }

    /// <summary>Reads a recovered segment; the caller seals the segment when done with it.</summary>
    public static SpoolSegmentReader Read(SpoolSegment segment) => new(segment.Path, segment.Sequence);

    /// <summary>A recovered segment was read to its end; <paramref name="length"/> is the file's size after any cut.</summary>
    public void Replayed(SpoolSegment segment, long length)
    {
        lock (_bytesLock)
        {
            _bytes -= segment.FileBytes - length;
        }

        segment.Length = length;
        segment.FileBytes = length;
    }

    /// <summary>Writes what is queued and stops the writer; later appends are refused.</summary>
    public void StopWriting()
    {
        _idleRoll?.Dispose();
        lock (_queueLock)
        {
            _closing = true;
            while (_writing)
            {
                Monitor.Wait(_queueLock);
            }

            if (_queue.Count == 0)
            {
                return;
            }

            _writing = true;
        }

        WriteOneGroupThenHandOff();
        lock (_queueLock)
        {
            while (_writing)
            {
                Monitor.Wait(_queueLock);
            }
        }
    }

    /// <summary>Stops writing and closes the current segment (deleted if all of it was settled); spares are deleted.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        StopWriting();
        _writerThreadStopping = true;
        _handOff.Release();
        _writerThread?.Join();
        _handOff.Dispose();
        _file?.Dispose();
        _file = null;
        var spares = new List<string>();
        lock (_bytesLock)
        {
            _keepSpares = false;
            while (TakeSpareLocked(out string spare))
            {
                spares.Add(spare);
            }
        }

        foreach (string path in spares)
        {
            TryDelete(path);
        }

        var current = _current;
        _current = null;
        current?.Seal();
        _lock?.Dispose();
    }

    // Holding the writer's role: writes the queued group, then gives the role up or passes it to a pool thread.
    private void WriteOneGroupThenHandOff()
    {
        List<SpoolAppend> group;
        lock (_queueLock)
        {
            group = _queue;
            _queue = [];
        }

        if (group.Count > 0)
        {
            WriteGroup(group);
        }

        lock (_queueLock)
        {
            if (_queue.Count == 0)
            {
                _writing = false;
                Monitor.PulseAll(_queueLock);
                return;
            }
        }

        _handOff.Release(); // the role goes with it
    }

    // The spool's writer thread: each wake-up hands it the writer's role with requests queued.
    private void WriteHandedOffGroups()
    {
        while (true)
        {
            _handOff.Wait();
            if (_writerThreadStopping)
            {
                return;
            }

            WriteOneGroupThenHandOff();
        }
    }

    // The timer's turn: between requests, seal a segment that is old enough so that it can go once settled.
    private void RollIfIdleAndOld()
    {
        lock (_queueLock)
        {
            if (_writing || _closing || _queue.Count > 0)
            {
                return;
            }

            _writing = true;
        }

        try
        {
            if (IsOld())
            {
                TryRollIdle();
            }
        }
        finally
        {
            lock (_queueLock)
            {
                _writing = false;
                Monitor.PulseAll(_queueLock);
            }
        }

        Write(); // requests that came while rolling
    }

    private void WriteGroup(List<SpoolAppend> group)
    {
        int records;
        try
        {
            if (_broken || _current!.Length >= _segmentBytes || IsOld())
            {
                Roll();
            }

            long sequence = _current!.Sequence;
            _buffer.ResetWrittenCount();
            for (int i = 0; i < group.Count; i++)
            {
                var append = group[i];
                if (append.Topic != _currentTopic)
                {
                    SpoolFormat.WriteTopic(_buffer, sequence, append.Topic);
                    _currentTopic = append.Topic;
                }

                foreach (byte[] message in append.Messages)
                {
                    SpoolFormat.WriteMessage(_buffer, sequence, append.Accepted, message);
                }
            }

            records = _buffer.WrittenCount;
            SpoolFormat.WriteEndMark(_buffer, sequence);
            _file!.Position = _current.Length; // over the last end mark
            _file.Write(_buffer.WrittenSpan);
            _file.Flush(flushToDisk: true);
            Interlocked.Increment(ref _syncs);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            int messages = group.Sum(a => a.Messages.Count);
            Log.SpoolWriteFailed(_logger, _directory, group.Count, messages, ex.Message);
            Recover();
            foreach (var append in group)
            {
                Unreserve(append.ReservedBytes);
                append.Complete(false);
            }

            return;
        }

        // The file grew by what went past its old end (in a reused file, often nothing); the rest of the reservations go back.
        var segment = _current!;
        segment.Length += records;
        long end = segment.Length + SpoolFormat.EndMarkBytes;
        long grown = Math.Max(0, end - segment.FileBytes);
        segment.FileBytes += grown;
        Unreserve(group.Sum(a => a.ReservedBytes) - grown);
        for (int i = 0; i < group.Count; i++)
        {
            var append = group[i];
            segment.Hold(append.Messages.Count);
            _onDurable(append, segment);
            append.Complete(true);
        }

        if (_buffer.Capacity > 4 * 1024 * 1024)
        {
            _buffer = new ArrayBufferWriter<byte>(256 * 1024); // not kept at the size of one huge group
        }
    }

    // The current segment holds messages and was started RollAfter ago.
    private bool IsOld() =>
        _current is { } current && current.Length > SpoolFormat.Magic.Length && _time.GetElapsedTime(_currentStarted) >= RollAfter;

    // Between requests: seal the old segment so that it can go once settled; a failure waits for the next write.
    private void TryRollIdle()
    {
        try
        {
            Roll();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.SpoolWriteFailed(_logger, _directory, 0, 0, "could not start a new segment: " + ex.Message);
            _broken = true;
        }
    }

    // After a failed write: put the end mark back where the durable records end and the file back to the size counted,
    // or give the segment up for a new one.
    private void Recover()
    {
        _currentTopic = null;
        if (_file is null || _current is null)
        {
            _broken = true;
            return;
        }

        try
        {
            var mark = new ArrayBufferWriter<byte>(SpoolFormat.EndMarkBytes);
            SpoolFormat.WriteEndMark(mark, _current.Sequence);
            _file.SetLength(_current.FileBytes);
            _file.Position = _current.Length;
            _file.Write(mark.WrittenSpan);
            _file.Flush(flushToDisk: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _broken = true;
        }
    }

    // Starts a new segment: in a spare file, its magic and end mark written and fsynced under the spare's name before
    // it is renamed (so the new name never shows the spare's old records), or in a new file; then the directory entry is
    // fsynced.
    private void Roll()
    {
        long sequence = _nextSequence++;
        string path = PathOf(sequence, Extension);
        (string Path, long Bytes) spare;
        lock (_bytesLock)
        {
            _spares.TryPop(out spare); // its bytes from here on counted as the segment's (or given back below)
        }

        FileStream? file = null;
        bool renamed = false;
        try
        {
            file = _create(spare.Path ?? path);
            var start = new ArrayBufferWriter<byte>(SpoolFormat.Magic.Length + SpoolFormat.EndMarkBytes);
            start.Write(SpoolFormat.Magic);
            SpoolFormat.WriteEndMark(start, sequence);
            file.Write(start.WrittenSpan);
            file.Flush(flushToDisk: true);
            if (spare.Path is not null)
            {
                File.Move(spare.Path, path);
                renamed = true;
            }

            DirectorySync.Flush(_directory);
        }
        catch
        {
            file?.Dispose();
            GiveUpNewSegmentFile(spare, renamed ? path : spare.Path ?? path);
            throw;
        }

        _file?.Dispose();
        var old = _current;
        _file = file;
        long fileBytes = Math.Max(spare.Bytes, SpoolFormat.Magic.Length + SpoolFormat.EndMarkBytes);
        _current = new SpoolSegment(sequence, path, SpoolFormat.Magic.Length, Release) { FileBytes = fileBytes };
        _currentTopic = null;
        _broken = false;
        _currentStarted = _time.GetTimestamp();
        lock (_bytesLock)
        {
            _bytes += fileBytes - spare.Bytes; // a spare's bytes were counted already
            _segments++;
        }

        old?.Seal();
    }

    // A segment could not be started in this file: a new file is deleted; a spare is deleted too (it may be what failed),
    // its bytes counted until it is gone.
    private void GiveUpNewSegmentFile((string? Path, long Bytes) spare, string path)
    {
        if (TryDelete(path))
        {
            lock (_bytesLock)
            {
                _bytes -= spare.Bytes;
            }
        }
        else if (spare.Path is not null && path == spare.Path)
        {
            lock (_bytesLock)
            {
                _spares.Push((spare.Path, spare.Bytes)); // still there, still counted
            }
        }
    }

    // The length of a segment a previous run left, or null when it holds nothing (deleted here).
    private long? CheckMagic(string path)
    {
        Span<byte> magic = stackalloc byte[SpoolFormat.Magic.Length];
        int read;
        long length;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0))
        {
            length = file.Length;
            read = file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        }

        if (read == magic.Length && (magic.SequenceEqual(SpoolFormat.Magic) || magic.SequenceEqual(SpoolFormat.MagicVersion1)))
        {
            return length;
        }

        if (SpoolFormat.Magic.StartsWith(magic[..read]) || SpoolFormat.MagicVersion1.StartsWith(magic[..read]))
        {
            // Created by a run that crashed before the file's first bytes were on disk: nothing in it was answered.
            Log.SpoolTornTail(_logger, path, 0, length);
            File.Delete(path);
            return null;
        }

        throw new IOException($"{path} is not a spool segment (it does not start with the spool's magic bytes). Move it out of the spool directory.");
    }

    private void Unreserve(long bytes)
    {
        lock (_bytesLock)
        {
            _bytes -= bytes;
        }
    }

    // The last hold on a segment went: every message in it was settled and nothing more is written to it. Its file is
    // renamed into a spare outside the lock (a slot taken under it), or deleted.
    private void Release(SpoolSegment segment)
    {
        bool keep;
        lock (_bytesLock)
        {
            _segments--;
            keep = _keepSpares && RoomForSpareLocked(segment.FileBytes);
            if (keep)
            {
                _sparesComing++;
            }
        }

        string spare = PathOf(segment.Sequence, SpareExtension);
        bool kept = keep && TryMove(segment.Path, spare);
        lock (_bytesLock)
        {
            if (keep)
            {
                _sparesComing--;
            }

            if (kept && _keepSpares)
            {
                _spares.Push((spare, segment.FileBytes)); // its bytes stay counted
                return;
            }

            _bytes -= segment.FileBytes;
        }

        TryDelete(kept ? spare : segment.Path);
    }

    // At open: a spare a previous run left is kept for reuse, counted, or deleted when there are enough.
    private void KeepOrDelete(string path, long bytes)
    {
        lock (_bytesLock)
        {
            if (RoomForSpareLocked(bytes))
            {
                _spares.Push((path, bytes));
                _bytes += bytes;
                return;
            }
        }

        TryDelete(path);
    }

    // Under _bytesLock: whether a file of this size is kept as a spare (a free slot, and not a segment grown huge).
    private bool RoomForSpareLocked(long fileBytes) => _spares.Count + _sparesComing < MaxSpares && fileBytes <= 2 * _segmentBytes;

    // Under _bytesLock: the bytes of the spares (at most MaxSpares of them).
    private long SpareBytesLocked()
    {
        long bytes = 0;
        foreach (var spare in _spares)
        {
            bytes += spare.Bytes;
        }

        return bytes;
    }

    // Under _bytesLock: takes a spare out of the pool and out of the count; the caller deletes its file outside the lock.
    private bool TakeSpareLocked(out string path)
    {
        if (!_spares.TryPop(out var spare))
        {
            path = "";
            return false;
        }

        _bytes -= spare.Bytes;
        path = spare.Path;
        return true;
    }

    private string PathOf(long sequence, string extension) =>
        Path.Combine(_directory, sequence.ToString("D20", CultureInfo.InvariantCulture) + extension);

    private static bool TryMove(string from, string to)
    {
        try
        {
            File.Move(from, to);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // deleted instead
        }
    }

    private bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A segment's messages would be produced again after a restart: duplicates, never losses.
            Log.SpoolDeleteFailed(_logger, path, ex.Message);
            return false;
        }
    }
}
