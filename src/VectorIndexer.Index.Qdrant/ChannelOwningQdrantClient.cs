using Microsoft.Extensions.Logging;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace VectorIndexer.Index.Qdrant;

/// <summary>
/// A <see cref="QdrantClient"/> over a channel it owns. The client's own address constructor
/// cannot trust a self-signed certificate by thumbprint, and over a caller's channel it leaves
/// the channel open on dispose; this one closes it, so the container's dispose releases the
/// connection.
/// </summary>
internal sealed class ChannelOwningQdrantClient : QdrantClient
{
    private readonly QdrantGrpcClient _grpcClient;
    private readonly QdrantChannel _channel;

    public ChannelOwningQdrantClient(QdrantChannel channel, TimeSpan grpcTimeout, ILoggerFactory? loggerFactory)
        : this(channel, new QdrantGrpcClient(channel), grpcTimeout, loggerFactory)
    {
    }

    private ChannelOwningQdrantClient(QdrantChannel channel, QdrantGrpcClient grpcClient, TimeSpan grpcTimeout, ILoggerFactory? loggerFactory)
        : base(grpcClient, grpcTimeout, loggerFactory)
    {
        _channel = channel;
        _grpcClient = grpcClient;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _grpcClient.Dispose();
            _channel.Dispose();
        }
    }
}
