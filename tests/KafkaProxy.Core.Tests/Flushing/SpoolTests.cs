using System.Buffers;
using System.Text;
using KafkaProxy.Core.Flushing;
using KafkaProxy.Core.Tests.Support;
using KafkaProxy.Protocol.Primitives;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace KafkaProxy.Core.Tests.Flushing;

/// <summary>The spool's segment format (length, CRC-32C, end mark, torn tails) and its files, without Kafka.</summary>
public sealed class SpoolTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("spool-").FullName;
    private readonly LogCapture _logs = new();
    private readonly List<(SpoolAppend Append, SpoolSegment Segment)> _durable = [];
    private readonly FakeTimeProvider _time = new();

    public void Dispose()
    {
        _logs.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void WriteMessage_LaysOutLengthCrcKindTimeAndValue()
    {
        var writer = new ArrayBufferWriter<byte>();
        SpoolFormat.WriteMessage(writer, 7, DateTimeOffset.FromUnixTimeMilliseconds(0x0102030405), "hi"u8);

        byte[] expected = Convert.FromHexString(
            "0B000000" +         // body length 11, little-endian: kind, time, value
            "00000000" +         // CRC-32C of the sequence number and the body (checked below, not by hand)
            "01" +               // kind: message
            "0504030201000000" + // accepted, Unix milliseconds, little-endian
            "6869");             // "hi"
        Assert.Equal(Convert.ToHexString(expected[..4]), Convert.ToHexString(writer.WrittenSpan[..4]));
        Assert.Equal(Convert.ToHexString(expected[8..]), Convert.ToHexString(writer.WrittenSpan[8..]));
        Assert.Equal(Crc32C.Compute(7UL, writer.WrittenSpan[8..]), BitConverter.ToUInt32(writer.WrittenSpan[4..8]));
    }

    [Fact]
    public void TryRead_TheEndMarkOfItsSegment_IsTheEnd_AnotherSegmentsIsNot()
    {
        var writer = new ArrayBufferWriter<byte>();
        SpoolFormat.WriteEndMark(writer, 7);

        Assert.Equal(SpoolRead.End, SpoolFormat.TryRead(writer.WrittenSpan, 7, out _, out _));
        Assert.Equal(SpoolRead.Corrupt, SpoolFormat.TryRead(writer.WrittenSpan, 8, out _, out _));
        Assert.Equal(SpoolRead.Corrupt, SpoolFormat.TryRead(new byte[SpoolFormat.EndMarkBytes], 7, out _, out _)); // zeros
        Assert.Equal(SpoolRead.Corrupt, SpoolFormat.TryRead(writer.WrittenSpan, null, out _, out _)); // version 1 has none
    }

    [Fact]
    public void TryRead_ARecordOfAnotherSegment_IsCorrupt()
    {
        byte[] record = Record("payload"u8.ToArray());

        Assert.Equal(SpoolRead.Complete, SpoolFormat.TryRead(record, Sequence, out _, out _));
        Assert.Equal(SpoolRead.Corrupt, SpoolFormat.TryRead(record, Sequence + 1, out _, out _));
    }

    [Fact]
    public void TryRead_EveryByteFlipped_IsNeverReadAsTheRecord()
    {
        byte[] record = Record("payload"u8.ToArray());
        for (int i = 0; i < record.Length; i++)
        {
            byte[] damaged = (byte[])record.Clone();
            damaged[i] ^= 0x20;

            var status = SpoolFormat.TryRead(damaged, Sequence, out _, out _);

            Assert.True(status != SpoolRead.Complete, $"the record with byte {i} flipped was read as complete");
        }
    }

    [Fact]
    public void TryRead_EveryPrefix_IsIncomplete_AndTheWholeIsComplete()
    {
        byte[] record = Record("payload"u8.ToArray());
        for (int length = 0; length < record.Length; length++)
        {
            Assert.Equal(SpoolRead.Incomplete, SpoolFormat.TryRead(record.AsSpan(0, length), Sequence, out _, out _));
        }

        Assert.Equal(SpoolRead.Complete, SpoolFormat.TryRead(record, Sequence, out var message, out int consumed));
        Assert.Equal(record.Length, consumed);
        Assert.Equal("payload"u8.ToArray(), message.Value);
    }

    [Fact]
    public async Task Reopen_AfterACrash_ReadsEveryMessageInOrderWithTheTopicItWasAcceptedFor()
    {
        var first = OpenSpool();
        Assert.Empty(first.Open());
        await AppendAsync(first, "alpha", "a1", "a2");
        await AppendAsync(first, "beta", "b1");
        await AppendAsync(first, "alpha", "a3");
        first.Dispose(); // nothing settled: as after a crash, the segment stays

        var second = OpenSpool();
        var recovered = second.Open();

        Assert.Equal(["alpha:a1", "alpha:a2", "beta:b1", "alpha:a3"], ReadAll(Assert.Single(recovered), out var reader));
        Assert.Equal(-1, reader.TornOffset);
        second.Dispose();
    }

    [Theory]
    [InlineData(1)]   // a cut inside the length
    [InlineData(7)]   // inside the CRC
    [InlineData(12)]  // inside the body
    public async Task Reopen_WithATornTail_ReadsTheGoodRecords_AndCutsTheRestOff(int tornBytes)
    {
        var first = OpenSpool();
        first.Open();
        await AppendAsync(first, "alpha", "a1", "a2");
        first.Dispose();
        string path = Assert.Single(Directory.GetFiles(_directory, "*.spool"));
        long good = new FileInfo(path).Length - SpoolFormat.EndMarkBytes;
        await using (var file = new FileStream(path, FileMode.Open))
        {
            file.Position = good; // a crash while the next write was going over the end mark
            file.Write(Record(new byte[40]).AsSpan(0, tornBytes));
        }

        var second = OpenSpool();
        var recovered = Assert.Single(second.Open());

        Assert.Equal(["alpha:a1", "alpha:a2"], ReadAll(recovered, out var reader));
        Assert.Equal(good, reader.TornOffset);
        Assert.Equal(Math.Max(tornBytes, SpoolFormat.EndMarkBytes), reader.TornBytes);
        Assert.Equal(good, new FileInfo(path).Length);
        second.Dispose();
    }

    [Fact]
    public async Task Reopen_BytesAfterTheEndMark_AreNotRead_AndNotCut()
    {
        var first = OpenSpool();
        first.Open();
        await AppendAsync(first, "alpha", "a1");
        first.Dispose();
        string path = Assert.Single(Directory.GetFiles(_directory, "*.spool"));
        await using (var file = new FileStream(path, FileMode.Append))
        {
            file.Write(Record("after the end"u8.ToArray()));
        }

        long length = new FileInfo(path).Length;
        var second = OpenSpool();

        Assert.Equal(["alpha:a1"], ReadAll(Assert.Single(second.Open()), out var reader));
        Assert.Equal(-1, reader.TornOffset);
        Assert.Equal(length, new FileInfo(path).Length);
        second.Dispose();
    }

    [Fact]
    public async Task Reopen_LastRecordWithABadCrc_IsCutOff_NeverReadAsAMessage()
    {
        var first = OpenSpool();
        first.Open();
        await AppendAsync(first, "alpha", "a1", "a2");
        first.Dispose();
        string path = Assert.Single(Directory.GetFiles(_directory, "*.spool"));
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^(1 + SpoolFormat.EndMarkBytes)] ^= 0xFF; // the last byte of "a2"
        File.WriteAllBytes(path, bytes);

        var second = OpenSpool();

        Assert.Equal(["alpha:a1"], ReadAll(Assert.Single(second.Open()), out var reader));
        Assert.Equal(SpoolFormat.MessageRecordBytes(2) + SpoolFormat.EndMarkBytes, reader.TornBytes);
        second.Dispose();
    }

    [Fact]
    public async Task Settle_EveryMessageOfASealedSegment_DeletesItsFile_AndGivesItsBytesBack()
    {
        var spool = OpenSpool();
        spool.Open();
        await AppendAsync(spool, "alpha", "a1", "a2");
        var segment = _durable[^1].Segment;
        long before = spool.Bytes;

        spool.Dispose(); // seals the current segment
        Assert.True(File.Exists(segment.Path));
        segment.Settle();
        segment.Settle();

        Assert.False(File.Exists(segment.Path));
        Assert.Equal(before - segment.FileBytes, spool.Bytes);
        Assert.Equal(0, spool.Segments);
        Assert.Empty(Directory.GetFiles(_directory, "*.spare"));
    }

    [Fact]
    public async Task Settle_ASegmentSealedWhileRunning_KeepsItsFileAsASpare_WhichTheNextSegmentIsWrittenOver()
    {
        var spool = OpenSpool();
        spool.Open();
        var first = await SealedAfterAppendingAsync(spool, "a1", "a2");
        long bytes = spool.Bytes;

        Settle(first, 2);

        Assert.False(File.Exists(first.Path));
        Assert.Equal(1, spool.Spares);
        Assert.Equal(bytes, spool.Bytes); // the spare's bytes are still on disk
        string spare = Assert.Single(Directory.GetFiles(_directory, "*.spare"));
        long spareLength = new FileInfo(spare).Length;

        await AppendAsync(spool, "alpha", "b1");
        _time.Advance(MessageSpool.RollAfter); // the next segment takes the spare
        await AppendAsync(spool, "alpha", "c1");
        var third = _durable[^1].Segment;

        Assert.Equal(0, spool.Spares);
        Assert.False(File.Exists(spare));
        Assert.Equal(spareLength, new FileInfo(third.Path).Length); // written over, not grown
        Assert.Equal(spareLength, third.FileBytes);
        var second = _durable[^2].Segment;
        Assert.Equal(2, spool.Segments);
        Assert.Equal(second.FileBytes + third.FileBytes, spool.Bytes); // the files, nothing reserved, nothing twice
        Assert.Equal(new FileInfo(second.Path).Length, second.FileBytes);
        spool.Dispose(); // nothing settled: as after a crash

        Assert.Equal([["alpha:b1"], ["alpha:c1"]], ReadAfterRestart());
    }

    [Fact]
    public async Task Reopen_AReusedFileTornAtItsEndMark_NeverReadsTheRecordsOfItsEarlierUse()
    {
        // Same-sized messages: the earlier use's records lie on the same boundaries as the new ones.
        var spool = OpenSpool();
        spool.Open();
        Settle(await SealedAfterAppendingAsync(spool, "a1", "a2", "a3", "a4"), 4);

        byte[] earlier = File.ReadAllBytes(Assert.Single(Directory.GetFiles(_directory, "*.spare")));
        _time.Advance(MessageSpool.RollAfter); // an empty segment is not sealed: nothing was written to it
        await AppendAsync(spool, "alpha", "b1");
        _time.Advance(MessageSpool.RollAfter); // this one takes the spare
        await AppendAsync(spool, "alpha", "c1");
        var reused = _durable[^1].Segment;
        spool.Dispose();

        // The crash tore the write: its records landed, its end mark did not, the earlier use's bytes are still there.
        await using (var file = new FileStream(reused.Path, FileMode.Open))
        {
            file.Position = reused.Length;
            file.Write(earlier.AsSpan((int)reused.Length, SpoolFormat.EndMarkBytes));
        }

        var reopened = OpenSpool();
        var recovered = reopened.Open();
        Assert.Equal(["alpha:c1"], ReadAll(recovered.Single(s => s.Path == reused.Path), out var reader));
        Assert.Equal(reused.Length, reader.TornOffset);
        reopened.Dispose();
    }

    [Fact]
    public async Task Reopen_ASegmentOfFormatVersion1_ReadsItsMessages()
    {
        var records = new ArrayBufferWriter<byte>();
        records.Write(SpoolFormat.MagicVersion1);
        SpoolFormat.WriteTopic(records, 0, "alpha");
        SpoolFormat.WriteMessage(records, 0, DateTimeOffset.UnixEpoch, "old"u8);
        byte[] bytes = records.WrittenSpan.ToArray();
        foreach (int start in new[] { 8, 8 + SpoolFormat.TopicRecordBytes("alpha") })
        {
            // Version 1: the CRC of the body alone.
            int length = BitConverter.ToInt32(bytes, start);
            BitConverter.TryWriteBytes(bytes.AsSpan(start + 4), Crc32C.Compute(bytes.AsSpan(start + 8, length)));
        }

        await File.WriteAllBytesAsync(Path.Combine(_directory, "00000000000000000003.spool"), bytes);
        var spool = OpenSpool();

        Assert.Equal(["alpha:old"], ReadAll(Assert.Single(spool.Open()), out var reader));
        Assert.Equal(-1, reader.TornOffset);
        spool.Dispose();
    }

    [Fact]
    public async Task TryReserve_WhenOnlyASpareStandsInTheWay_DeletesIt()
    {
        var spool = OpenSpool(maxBytes: 64 * 1024);
        spool.Open();
        Settle(await SealedAfterAppendingAsync(spool, "a1"), 1);
        Assert.Equal(1, spool.Spares);
        long room = spool.MaxBytes - spool.Bytes;
        long spareBytes = spool.SpareBytes;
        Assert.True(spareBytes > 0);
        Assert.True(spool.HasRoomFor(room + spareBytes));
        Assert.False(spool.HasRoomFor(room + spareBytes + 1));
        Assert.False(spool.TryReserve(room + spareBytes + 1));
        Assert.Equal(1, spool.Spares);

        Assert.True(spool.TryReserve(room + 1));

        Assert.Equal(0, spool.Spares);
        Assert.Equal(0, spool.SpareBytes);
        Assert.Equal(spool.MaxBytes - spareBytes + 1, spool.Bytes);
        Assert.Empty(Directory.GetFiles(_directory, "*.spare"));
        spool.Dispose();
    }

    [Fact]
    public async Task Append_WhenTheFsyncFails_CompletesFalse_GivesTheBytesBack_AndTheNextGoesToANewSegment()
    {
        bool fail = false;
        var spool = OpenSpool(path => new FailingFileStream(path, () => fail));
        spool.Open();
        long empty = spool.Bytes;
        fail = true;

        Assert.False(await AppendAsync(spool, "alpha", "lost"));
        Assert.Equal(empty, spool.Bytes);
        Assert.Contains(_logs.Events, e => e.EventId == 3015 && e.Level == LogLevel.Error);

        fail = false;
        Assert.True(await AppendAsync(spool, "alpha", "kept"));
        spool.Dispose();
        Assert.Equal(["alpha:kept"], ReadAfterRestart().SelectMany(m => m));
    }

    [Fact]
    public async Task Append_WhenOneFsyncFails_TheEndMarkGoesBack_AndTheSegmentGoesOn()
    {
        int failures = 0;
        var spool = OpenSpool(path => new FailingFileStream(path, () => failures-- > 0));
        spool.Open();
        await AppendAsync(spool, "alpha", "kept");
        var segment = _durable[^1].Segment;
        long bytes = spool.Bytes;
        failures = 1; // the write's fsync fails; the end mark's rewrite after it does not

        Assert.False(await AppendAsync(spool, "alpha", "lost"));
        Assert.Equal(bytes, spool.Bytes);
        Assert.True(await AppendAsync(spool, "alpha", "next"));
        Assert.Same(segment, _durable[^1].Segment);
        spool.Dispose(); // nothing settled: as after a crash

        Assert.Equal([["alpha:kept", "alpha:next"]], ReadAfterRestart());
    }

    [Fact]
    public async Task Append_AfterAFailedWriteWithTheEndMarkBackInPlace_ReadsNothingOfTheFailedWrite()
    {
        int failures = 0;
        var spool = OpenSpool(path => new FailingFileStream(path, () => failures-- > 0));
        spool.Open();
        await AppendAsync(spool, "alpha", "kept");
        failures = 1;
        Assert.False(await AppendAsync(spool, "alpha", "lost", "lost too"));
        spool.Dispose(); // the failed write's records may be on disk after the end mark

        var reopened = OpenSpool();
        var read = reopened.Open().Select(s => ReadAll(s, out var reader) is var messages && reader.TornOffset == -1 ? messages : ["torn"]).ToList();
        reopened.Dispose();
        Assert.Equal([["alpha:kept"]], read);
    }

    [Fact]
    public async Task Roll_WhenTheSpareCannotBeOpened_DeletesIt_AndTheNextWriteStartsANewFile()
    {
        bool failSpares = false;
        var spool = OpenSpool(path => failSpares && path.EndsWith(".spare", StringComparison.Ordinal)
            ? throw new IOException("Input/output error (simulated)")
            : new FailingFileStream(path, () => false));
        spool.Open();
        Settle(await SealedAfterAppendingAsync(spool, "a1"), 1);
        Assert.Equal(1, spool.Spares);
        await AppendAsync(spool, "alpha", "b1");
        failSpares = true;

        _time.Advance(MessageSpool.RollAfter); // the roll fails: logged, the next write tries again

        Assert.Contains(_logs.Events, e => e.EventId == 3015);
        Assert.Equal(0, spool.Spares);
        Assert.Empty(Directory.GetFiles(_directory, "*.spare"));
        Assert.True(await AppendAsync(spool, "alpha", "c1"));
        var second = _durable[^2].Segment;
        var third = _durable[^1].Segment;
        Assert.NotSame(second, third);
        Assert.Equal(second.FileBytes + third.FileBytes, spool.Bytes);
        spool.Dispose();
    }

    [Fact]
    public async Task Append_ManyAtOnce_ShareFsyncs_TheSpoolsThreadWritesTheQueuedGroups_AndEveryMessageIsReadBackInOrder()
    {
        var syncedOn = new System.Collections.Concurrent.ConcurrentBag<string?>();
        var spool = OpenSpool(path => new SlowSyncFileStream(path, syncedOn));
        spool.Open();
        long syncsAtStart = spool.Syncs;

        // Eight clients, each on a thread of its own, each waiting for its answer before the next request.
        var clients = Enumerable.Range(0, 8).Select(w => Task.Factory.StartNew(() =>
        {
            for (int i = 0; i < 25; i++)
            {
                Assert.True(AppendAsync(spool, "alpha", $"{w}-{i}").GetAwaiter().GetResult());
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        await Task.WhenAll(clients);

        long syncs = spool.Syncs - syncsAtStart;
        Assert.True(syncs < 200, $"{syncs} fsyncs for 200 requests: no group commit; threads {string.Join(",", syncedOn.GroupBy(n => n).Select(g => $"{g.Key}={g.Count()}"))}");
        Assert.Contains("Spool writer", syncedOn);
        spool.Dispose();
        var read = ReadAfterRestart().SelectMany(m => m).ToList();
        Assert.Equal(200, read.Count);
        for (int w = 0; w < 8; w++)
        {
            Assert.Equal(Enumerable.Range(0, 25).Select(i => $"alpha:{w}-{i}"), read.Where(m => m.StartsWith($"alpha:{w}-", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public void TryReserve_BeyondMaxSpoolBytes_IsRefused()
    {
        var spool = OpenSpool(maxBytes: 64 * 1024);
        spool.Open();

        Assert.True(spool.TryReserve(60 * 1024));
        Assert.False(spool.TryReserve(8 * 1024));
        spool.Dispose();
    }

    [Fact]
    public void Open_DirectoryPathIsAFile_NamesTheSetting()
    {
        string file = Path.Combine(_directory, "not-a-directory");
        File.WriteAllText(file, "x");
        var spool = new MessageSpool(file, 1 << 20, _logs.CreateLogger("test"), (_, _) => { });

        var error = Assert.ThrowsAny<IOException>(() => spool.Open());

        Assert.Contains("KAFKA_FLUSHER_SPOOL_DIR (KafkaProxy:Flusher:SpoolDirectory)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ASecondSpoolOnTheSameDirectory_IsRefused()
    {
        var first = OpenSpool();
        first.Open();

        var error = Assert.ThrowsAny<IOException>(() => OpenSpool().Open());

        Assert.Contains("no other gateway uses", error.Message, StringComparison.Ordinal);
        first.Dispose();
    }

    private const long Sequence = 5;

    private static byte[] Record(byte[] value)
    {
        var writer = new ArrayBufferWriter<byte>();
        SpoolFormat.WriteMessage(writer, Sequence, DateTimeOffset.UnixEpoch, value);
        return writer.WrittenSpan.ToArray();
    }

    private static List<string> ReadAll(SpoolSegment segment, out SpoolSegmentReader reader)
    {
        var read = new List<string>();
        using (reader = MessageSpool.Read(segment))
        {
            while (reader.TryReadNext(out string topic, out var message))
            {
                read.Add(topic + ":" + Encoding.UTF8.GetString(message.Value!));
            }
        }

        return read;
    }

    // Opens the directory again, as the gateway does after a restart, and reads each segment's messages in order.
    private List<List<string>> ReadAfterRestart()
    {
        var reopened = OpenSpool();
        try
        {
            return reopened.Open().Select(s => ReadAll(s, out _)).ToList();
        }
        finally
        {
            reopened.Dispose();
        }
    }

    private MessageSpool OpenSpool(Func<string, FileStream>? create = null, long maxBytes = 1 << 20) =>
        new(_directory, maxBytes, _logs.CreateLogger("test"), (append, segment) => _durable.Add((append, segment)), create, _time);

    // Appends the values (topic alpha) to the current segment and lets it grow old: it is sealed, a new one started.
    private async Task<SpoolSegment> SealedAfterAppendingAsync(MessageSpool spool, params string[] values)
    {
        Assert.True(await AppendAsync(spool, "alpha", values));
        var segment = _durable[^1].Segment;
        _time.Advance(MessageSpool.RollAfter);
        return segment;
    }

    private static void Settle(SpoolSegment segment, int messages)
    {
        for (int i = 0; i < messages; i++)
        {
            segment.Settle();
        }
    }

    private static async Task<bool> AppendAsync(MessageSpool spool, string topic, params string[] values)
    {
        byte[][] messages = values.Select(Encoding.UTF8.GetBytes).ToArray();
        long bytes = SpoolAppend.BytesFor(topic, messages);
        Assert.True(spool.TryReserve(bytes));
        var append = new SpoolAppend(topic, messages, DateTimeOffset.UtcNow, null, bytes);
        spool.Append(append);
        spool.Write();
        return await append.Durable.WaitAsync(TimeSpan.FromSeconds(30));
    }

    // A segment file whose fsync takes a millisecond, so that requests queue behind it; notes the thread of each.
    private sealed class SlowSyncFileStream(string path, System.Collections.Concurrent.ConcurrentBag<string?> syncedOn) : FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0)
    {
        public override void Flush(bool flushToDisk)
        {
            syncedOn.Add(Thread.CurrentThread.Name);
            Thread.Sleep(1);
            base.Flush(flushToDisk);
        }
    }

    // A segment file whose fsync fails while the test says so, as a disk that went bad would.
    private sealed class FailingFileStream(string path, Func<bool> fail) : FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, bufferSize: 0)
    {
        public override void Flush(bool flushToDisk)
        {
            if (fail())
            {
                throw new IOException("Input/output error (simulated)");
            }

            base.Flush(flushToDisk);
        }
    }
}
