package dev.harmonics.transport.frame;

import static dev.harmonics.transport.TransportFixtures.assertSameMessage;
import static dev.harmonics.transport.TransportFixtures.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.transport.TensorMessage;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Netty decoder fed in pieces, as a socket delivers them: small frames gathered whole, large
 * payloads received straight into their tensor, and every way that can go wrong.
 */
class FrameDecoderHandlerTest {

  private static final int LIMIT = 64 << 20;

  @Test
  void decodesFramesSplitAnywhereAndBackToBack() {
    try (Tensor big = random(DType.FLOAT32, 1, 3, 700_000);
        Tensor small = random(DType.INT8, 2, 33)) {
      TensorMessage first = new TensorMessage("big", big, new byte[] {1, 2});
      TensorMessage second = new TensorMessage("small", small);
      byte[] both = concat(RawFrames.encode(Frame.data(1, first)),
          RawFrames.encode(Frame.data(2, second)));
      EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoderHandler(LIMIT));
      feedInPieces(channel, both, 5);
      Frame a = channel.readInbound();
      Frame b = channel.readInbound();
      assertSameMessage(first, a.message());
      assertSameMessage(second, b.message());
      assertEquals(2, b.sequence());
      assertNull(channel.readInbound());
      a.message().tensor().close();
      b.message().tensor().close();
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void refusesACorruptLargePayloadAtItsTrailer() {
    try (Tensor big = random(DType.FLOAT32, 3, 1 << 20)) {
      byte[] frame = RawFrames.encode(Frame.data(1, new TensorMessage("big", big)));
      frame[frame.length / 2] ^= 1;
      EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoderHandler(LIMIT));
      DecoderException e = assertThrows(DecoderException.class,
          () -> feedInPieces(channel, frame, 9));
      assertTrue(e.getCause().getMessage().contains("CRC32C mismatch"), e.getMessage());
      assertNull(channel.readInbound());
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void reportsAConnectionThatClosesInsideALargePayload() {
    try (Tensor big = random(DType.FLOAT32, 4, 1 << 20)) {
      byte[] frame = RawFrames.encode(Frame.data(1, new TensorMessage("big", big)));
      EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoderHandler(LIMIT));
      feedInPieces(channel, Arrays.copyOf(frame, frame.length / 2), 3);
      DecoderException e = assertThrows(DecoderException.class, channel::finish);
      assertTrue(e.getCause().getMessage().contains("truncated after")
          && e.getCause().getMessage().contains("payload bytes of 'big'"), e.getMessage());
    }
  }

  @Test
  void refusesALargeFrameWhoseLengthDisagreesWithItsShape() {
    byte[] frame = RawFrames.dataFrame(1, 0, 1, "liar", new int[] {4}, new byte[2 << 20]);
    EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoderHandler(LIMIT));
    DecoderException e = assertThrows(DecoderException.class,
        () -> feedInPieces(channel, frame, 4));
    assertTrue(e.getCause().getMessage().contains("(expected: 16 for float32[4])"),
        e.getMessage());
    channel.finishAndReleaseAll();
  }

  private static void feedInPieces(EmbeddedChannel channel, byte[] bytes, int pieces) {
    SplittableRandom random = new SplittableRandom(pieces);
    int at = 0;
    while (at < bytes.length) {
      int n = Math.min(bytes.length - at, 1 + random.nextInt(bytes.length / pieces + 1));
      channel.writeInbound(Unpooled.wrappedBuffer(bytes, at, n));
      at += n;
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
