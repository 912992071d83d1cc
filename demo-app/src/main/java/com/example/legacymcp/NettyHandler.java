package com.example.legacymcp;

import com.example.legacymcp.core.McpJsonRpc;
import com.example.legacymcp.core.Pages;
import com.example.legacymcp.core.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.io.ByteArrayOutputStream;

/**
 * The application on raw Netty, one instance per connection. It routes each request on its
 * head ({@link HttpRequest}), reads the body as it arrives ({@link HttpContent}), and answers
 * after the {@link LastHttpContent}. Behind an aggregator the same code sees a
 * {@code FullHttpRequest}, which is all three at once. The same goes for HTTP/2 streams, which
 * Netty's codecs turn into these objects.
 */
final class NettyHandler extends SimpleChannelInboundHandler<HttpObject> {

    private enum Route { MCP, HEALTH, INSPECTOR, UPLOAD, PREFIX, NOT_FOUND, WRONG_METHOD }

    private static final AsciiString STREAM_ID = HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text();

    private final String server;
    private final ByteArrayOutputStream mcpBody = new ByteArrayOutputStream();
    /** Of the request being read; null between requests. */
    private Route route;
    /** The decoded path of the request being read. */
    private String path;
    private boolean keepAlive;
    private long bodyBytes;
    /**
     * The HTTP/2 stream that the request came on, as Netty's conversion tags it; null on HTTP/1.
     * The response carries it back: HttpToHttp2ConnectionHandler writes it on that stream.
     */
    private String streamId;

    NettyHandler(String server) {
        this.server = server;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
        if (message.decoderResult().isFailure()) {
            route = null;
            respond(ctx, Reply.of(400, Reply.TEXT, "bad request"), false);
            return;
        }
        if (message instanceof HttpRequest request) {
            path = new QueryStringDecoder(request.uri()).path();
            route = route(request.method(), path);
            keepAlive = HttpUtil.isKeepAlive(request);
            streamId = request.headers().get(STREAM_ID);
            bodyBytes = 0;
            mcpBody.reset();
        }
        if (message instanceof HttpContent chunk && route != null) {
            ByteBuf data = chunk.content();
            bodyBytes += data.readableBytes();
            if (route == Route.MCP) {
                mcpBody.writeBytes(ByteBufUtil.getBytes(data));
            }
            if (chunk instanceof LastHttpContent) {
                respond(ctx, answer(ctx), keepAlive);
                route = null;
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private static Route route(HttpMethod method, String path) {
        return switch (path) {
            case "/mcp" -> method.equals(HttpMethod.POST) ? Route.MCP : Route.WRONG_METHOD;
            case "/health" -> method.equals(HttpMethod.GET) ? Route.HEALTH : Route.WRONG_METHOD;
            case "/inspector" -> method.equals(HttpMethod.GET) ? Route.INSPECTOR : Route.WRONG_METHOD;
            case "/upload" -> method.equals(HttpMethod.POST) ? Route.UPLOAD : Route.WRONG_METHOD;
            default -> prefixOf(path) != null ? Route.PREFIX : Route.NOT_FOUND;
        };
    }

    /** Which prefix the path is under, raw Netty apps' way: {@code startsWith}. */
    private static String prefixOf(String path) {
        return Pages.PREFIXES.stream().filter(prefix -> path.startsWith(prefix + "/")).findFirst().orElse(null);
    }

    private Reply answer(ChannelHandlerContext ctx) {
        return switch (route) {
            case MCP -> McpJsonRpc.handle(mcpBody.toByteArray());
            case HEALTH -> Pages.health();
            case INSPECTOR -> Pages.inspector(Pages.address(ctx.channel().remoteAddress()), server);
            case UPLOAD -> Pages.uploaded(bodyBytes);
            case PREFIX -> Pages.prefix(prefixOf(path), path);
            case NOT_FOUND -> Pages.notFound();
            case WRONG_METHOD -> Pages.methodNotAllowed();
        };
    }

    private void respond(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
        if (reply.contentType() != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        }
        if (streamId != null) {
            response.headers().set(STREAM_ID, streamId);
        }
        HttpUtil.setContentLength(response, reply.body().length);
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
