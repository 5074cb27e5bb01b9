using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using KafkaProxy.Core.Proxy;

namespace KafkaProxy.Core.Tests.Proxy;

public sealed class TlsClientHelloTests
{
    // The first bytes a real TLS client (SslStream) sends for serverName; nothing answers, so it sends nothing more.
    private static async Task<byte[]> ClientHelloAsync(string serverName)
    {
        var toServer = new Pipe();
        var fromServer = new Pipe();
        var stream = new DuplexStream(fromServer.Reader.AsStream(), toServer.Writer.AsStream());
        var ssl = new SslStream(stream);
        var handshake = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName });
        var read = await toServer.Reader.ReadAsync();
        while (TlsClientHello.TryRead(read.Buffer.ToArray(), out _) == TlsClientHello.Status.Incomplete)
        {
            toServer.Reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            read = await toServer.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }

        byte[] hello = read.Buffer.ToArray();
        await fromServer.Writer.CompleteAsync();
        await Record.ExceptionAsync(() => handshake);
        return hello;
    }

    [Fact]
    public async Task TryRead_ClientHelloOfSslStream_ReadsItsServerName()
    {
        byte[] hello = await ClientHelloAsync("broker-3.orders.kafka.localhost");

        Assert.Equal(TlsClientHello.Status.Complete, TlsClientHello.TryRead(hello, out string? name));
        Assert.Equal("broker-3.orders.kafka.localhost", name);
    }

    [Fact]
    public async Task TryRead_EveryShorterPrefix_IsIncomplete()
    {
        byte[] hello = await ClientHelloAsync("bootstrap.kafka.localhost");

        for (int length = 0; length < hello.Length; length++)
        {
            Assert.Equal(TlsClientHello.Status.Incomplete, TlsClientHello.TryRead(hello.AsSpan(0, length), out _));
        }
    }

    [Fact]
    public async Task TryRead_HandshakeSplitOverSeveralRecords_ReadsItsServerName()
    {
        byte[] hello = await ClientHelloAsync("bootstrap.payments.kafka.localhost");
        byte[] message = hello[5..];
        // The same handshake message in records of 100 bytes each (RFC 8446 5.1 allows fragmenting it).
        var records = message.Chunk(100).SelectMany(chunk => (byte[])[22, 3, 1, (byte)(chunk.Length >> 8), (byte)chunk.Length, .. chunk]).ToArray();

        Assert.Equal(TlsClientHello.Status.Complete, TlsClientHello.TryRead(records, out string? name));
        Assert.Equal("bootstrap.payments.kafka.localhost", name);
    }

    [Fact]
    public async Task TryRead_ClientHelloWithoutServerName_IsCompleteWithNoName()
    {
        // SslStream sends no SNI for an IP address.
        byte[] hello = await ClientHelloAsync("127.0.0.1");

        Assert.Equal(TlsClientHello.Status.Complete, TlsClientHello.TryRead(hello, out string? name));
        Assert.Null(name);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 10, 0, 18 })] // a Kafka frame (ApiVersions): not TLS
    [InlineData(new byte[] { 22, 3, 1, 0, 4, 2, 0, 0, 0 })] // a handshake record holding a ServerHello
    [InlineData(new byte[] { 23, 3, 3, 0, 1, 0 })] // application data first
    public void TryRead_NotAClientHello_SaysSo(byte[] data)
    {
        Assert.Equal(TlsClientHello.Status.NotClientHello, TlsClientHello.TryRead(data, out _));
    }

    private sealed class DuplexStream(Stream read, Stream write) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => read.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => read.ReadAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => write.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => write.WriteAsync(buffer, cancellationToken);

        public override void Flush() => write.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => write.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
