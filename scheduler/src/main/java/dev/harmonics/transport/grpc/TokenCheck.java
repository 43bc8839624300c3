package dev.harmonics.transport.grpc;

import dev.harmonics.transport.link.SharedSecret;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.function.BiConsumer;

/** Refuses calls whose token metadata does not match, before any frame is read. */
final class TokenCheck implements ServerInterceptor {

  private final String token;
  private final BiConsumer<String, String> onRefused;

  /** @param onRefused told (peer, reason) for every refused call */
  TokenCheck(String token, BiConsumer<String, String> onRefused) {
    this.token = token;
    this.onRefused = onRefused;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String peer = String.valueOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    byte[] presented = headers.get(TensorLinkService.TOKEN);
    if (!SharedSecret.admits(token, presented == null ? new byte[0] : presented)) {
      onRefused.accept(peer, "the token does not match");
      call.close(Status.UNAUTHENTICATED.withDescription("the token does not match"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(
        Context.current().withValue(TensorLinkService.PEER, peer), call, headers, next);
  }
}
