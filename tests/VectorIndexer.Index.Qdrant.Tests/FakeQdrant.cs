using Google.Protobuf;
using Grpc.Core;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace VectorIndexer.Index.Qdrant.Tests;

/// <summary>
/// A scripted Qdrant at the gRPC boundary: each call is recorded with its request, and answered
/// by the handler registered for its method (<c>qdrant.Points/Query</c>, ...) or failed with
/// <see cref="StatusCode.Unimplemented"/>. It checks what the index sends and how it reads the
/// answers; it says nothing about what a real server does with them (the contract suite does).
/// </summary>
internal sealed class FakeQdrant : CallInvoker
{
    private readonly Dictionary<string, Func<IMessage, IMessage>> _handlers = new(StringComparer.Ordinal);

    public List<(string Method, IMessage Request)> Calls { get; } = [];

    public FakeQdrant On<TRequest, TResponse>(string method, Func<TRequest, TResponse> handler)
        where TRequest : IMessage
        where TResponse : IMessage
    {
        _handlers[method] = request => handler((TRequest)request);
        return this;
    }

    public FakeQdrant Fail(string method, StatusCode status, string detail) =>
        On<IMessage, IMessage>(method, _ => throw new RpcException(new Status(status, detail)));

    public IReadOnlyList<T> Requests<T>(string method) => [.. Calls.Where(c => c.Method == method).Select(c => (T)c.Request)];

    public QdrantClient Client() => new(new QdrantGrpcClient(this));

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var name = method.ServiceName + "/" + method.Name;
        Calls.Add((name, (IMessage)request!));
        Task<TResponse> response;
        try
        {
            response = _handlers.TryGetValue(name, out var handler)
                ? Task.FromResult((TResponse)handler((IMessage)request!))
                : throw new RpcException(new Status(StatusCode.Unimplemented, $"the fake has no answer for {name}"));
        }
        catch (RpcException ex)
        {
            response = Task.FromException<TResponse>(ex);
        }

        return new AsyncUnaryCall<TResponse>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();
}
