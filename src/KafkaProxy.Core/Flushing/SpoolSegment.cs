namespace KafkaProxy.Core.Flushing;

/// <summary>
/// One segment file of the spool and the count of what still keeps it: one hold while it is open (being written or
/// replayed) and one per message not yet settled (acknowledged by Kafka, or refused for good). When the count reaches
/// zero the file is deleted.
/// </summary>
internal sealed class SpoolSegment(long sequence, string path, long length, Action<SpoolSegment> release)
{
    private int _holds = 1;

    public long Sequence { get; } = sequence;

    public string Path { get; } = path;

    /// <summary>Where the segment's records end (its end mark); changed only by the one writer (or the replay) while the segment is open.</summary>
    public long Length { get; set; } = length;

    /// <summary>
    /// The file's size, what the segment counts against the spool's room: at least <see cref="Length"/>, more in a
    /// reused file whose earlier use went further.
    /// </summary>
    public long FileBytes { get; set; } = length;

    /// <summary>Messages of this segment not settled yet.</summary>
    public void Hold(int messages) => Interlocked.Add(ref _holds, messages);

    /// <summary>A message of this segment was settled.</summary>
    public void Settle() => Drop();

    /// <summary>Nothing more is written to (or replayed from) this segment.</summary>
    public void Seal() => Drop();

    private void Drop()
    {
        if (Interlocked.Decrement(ref _holds) == 0)
        {
            release(this);
        }
    }
}
