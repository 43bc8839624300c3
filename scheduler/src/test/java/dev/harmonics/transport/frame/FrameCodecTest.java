package dev.harmonics.transport.frame;

import static dev.harmonics.transport.TransportFixtures.assertSameMessage;
import static dev.harmonics.transport.TransportFixtures.compressible;
import static dev.harmonics.transport.TransportFixtures.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.transport.TensorMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.Arrays;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The frame codec without sockets: every dtype and shape, and every kind of invalid input. */
class FrameCodecTest {

  private static final int LIMIT = 1 << 20;

  static Stream<Arguments> tensors() {
    return Stream.of(
        Arguments.of(DType.FLOAT32, new int[] {3, 4}),
        Arguments.of(DType.FLOAT32, new int[] {}),
        Arguments.of(DType.FLOAT32, new int[] {0, 5}),
        Arguments.of(DType.INT8, new int[] {7}),
        Arguments.of(DType.INT8, new int[] {2, 3, 4, 5, 1, 1, 2, 1}),
        Arguments.of(DType.INT32, new int[] {2, 3, 5}),
        Arguments.of(DType.INT32, new int[] {1000}));
  }

  @ParameterizedTest
  @MethodSource("tensors")
  void roundTripsEveryDtypeAndShapeWithAndWithoutZstdAndProof(DType dtype, int[] shape) {
    for (boolean compress : new boolean[] {false, true}) {
      for (byte[] proof : new byte[][] {null, {1, 2, 3, 4, 5}}) {
        try (Tensor t = random(dtype, 11, shape)) {
          TensorMessage sent = new TensorMessage("layer/out", t, proof);
          Frame decoded = decode(RawFrames.encode(Frame.data(9, sent), compress));
          assertEquals(FrameType.DATA, decoded.type());
          assertEquals(9, decoded.sequence());
          assertSameMessage(sent, decoded.message());
          decoded.message().tensor().close();
        }
      }
    }
  }

  @Test
  void compressesWhatCompressesAndStillRoundTrips() {
    try (Tensor t = compressible(100_000)) {
      byte[] plain = RawFrames.encode(Frame.data(1, new TensorMessage("z", t)), false);
      byte[] packed = RawFrames.encode(Frame.data(1, new TensorMessage("z", t)), true);
      assertTrue(packed.length < plain.length / 4, packed.length + " vs " + plain.length);
      assertEquals(FrameFormat.FLAG_COMPRESSED, packed[6] & FrameFormat.FLAG_COMPRESSED);
      assertSameMessage(new TensorMessage("z", t), decode(packed).message());
    }
  }

  @Test
  void roundTripsControlFrames() {
    Frame hello = decode(RawFrames.encode(Frame.hello(77, "secret".getBytes())));
    assertEquals(FrameType.HELLO, hello.type());
    assertEquals(77, hello.sequence());
    assertArrayEquals("secret".getBytes(), hello.bytes());
    assertEquals(5, decode(RawFrames.encode(Frame.ack(5))).sequence());
    assertEquals("no", decode(RawFrames.encode(Frame.error("no"))).text());
  }

  @Test
  void waitsForTheRestOfAFrameWithoutConsumingIt() throws FrameException {
    byte[] whole = RawFrames.encode(Frame.ack(3));
    for (int cut = 0; cut < whole.length; cut++) {
      ByteBuf part = Unpooled.wrappedBuffer(Arrays.copyOf(whole, cut));
      assertNull(new FrameDecoder(LIMIT).decode(part), "cut at " + cut);
      assertEquals(0, part.readerIndex());
    }
  }

  @Test
  void refusesBadMagicAsSoonAsFourBytesArrive() {
    assertRefused("bad magic", "GET / HTTP/1.1".getBytes());
    assertRefused("bad magic", new byte[] {0, 0, 0, 0});
  }

  @Test
  void refusesAnotherVersionAndUnknownTypeFlagsAndDtype() {
    byte[] frame = RawFrames.encode(Frame.ack(1));
    assertRefused("version 9", patch(frame, 4, 9));
    assertRefused("unknown frame type 99", patch(frame, 5, 99));
    assertRefused("flags", patch(frame, 6, 1));
    try (Tensor t = random(DType.INT8, 1, 4)) {
      byte[] data = RawFrames.encode(Frame.data(1, new TensorMessage("x", t)));
      assertRefused("unknown flags", patch(data, 6, 0x80));
      assertRefused("unknown dtype code 7", patch(data, 7, 7));
    }
  }

  @Test
  void refusesAWrongCrc() {
    try (Tensor t = random(DType.FLOAT32, 2, 64)) {
      byte[] frame = RawFrames.encode(Frame.data(1, new TensorMessage("x", t)));
      frame[frame.length - 10] ^= 1;
      assertRefused("CRC32C mismatch", frame);
    }
  }

  @Test
  void refusesAnOversizedLengthFromTheHeaderAlone() {
    assertRefused("announces a body of 4294967295 bytes", RawFrames.headerOnly(0xFFFFFFFFL));
    assertRefused("maxMessageSize " + LIMIT,
        RawFrames.headerOnly(LIMIT + FrameFormat.MAX_METADATA_BYTES + 1L));
  }

  @Test
  void refusesAShapeLargerThanTheLimitAndANegativeDimension() {
    assertRefused("would be 4294967296 bytes", RawFrames.dataFrame(
        1, 0, 1, "big", new int[] {1 << 16, 1 << 14}, new byte[0]));
    assertRefused("would be", RawFrames.dataFrame(
        1, 0, 1, "huge", new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, 8}, new byte[0]));
    assertRefused("negative dimension", RawFrames.dataFrame(
        1, 0, 1, "neg", new int[] {-1}, new byte[0]));
  }

  @Test
  void refusesAPayloadThatDisagreesWithItsShape() {
    assertRefused("carries 3 payload bytes (expected: 8",
        RawFrames.dataFrame(1, 0, 1, "short", new int[] {2}, new byte[3]));
    assertRefused("ends inside its rank", bodyWithoutRank());
  }

  @ParameterizedTest
  @ValueSource(ints = {65, 1 << 20, 16 << 20})
  void refusesAZstdBombWithoutDecompressingPastTheShape(int realBytes) {
    // The shape says 16 floats (64 bytes); the payload expands to realBytes.
    assertRefused("zstd payload of 'bomb'",
        RawFrames.zstdBomb(1, new int[] {16}, realBytes));
  }

  @Test
  void refusesAZstdPayloadThatIsNotZstd() {
    assertRefused("zstd payload of 'bad'", RawFrames.dataFrame(
        1, FrameFormat.FLAG_COMPRESSED, 1, "bad", new int[] {4}, new byte[] {1, 2, 3, 4, 5}));
  }

  @Test
  void senderRefusesATensorOverItsLimit() {
    try (Tensor t = Tensor.zeros(1000)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new FrameEncoder(false, 3999).encode(
              Frame.data(1, new TensorMessage("w", t)), UnpooledByteBufAllocator.DEFAULT));
      assertTrue(e.getMessage().contains("4000 bytes"), e.getMessage());
    }
  }

  /** A DATA frame whose body stops after the name, where the rank byte should be. */
  private static byte[] bodyWithoutRank() {
    byte[] full = RawFrames.dataFrame(1, 0, 1, "x", new int[0], new byte[0]);
    ByteBuf frame = Unpooled.buffer();
    frame.writeBytes(full, 0, 16).writeInt(3).writeBytes(full, 20, 3);
    CRC32C crc = new CRC32C();
    crc.update(frame.nioBuffer());
    frame.writeInt((int) crc.getValue());
    return ByteBufUtil.getBytes(frame);
  }

  private static Frame decode(byte[] bytes) {
    try {
      ByteBuf in = Unpooled.wrappedBuffer(bytes);
      Frame frame = new FrameDecoder(LIMIT).decode(in);
      assertNotNull(frame, "a whole frame decodes");
      assertEquals(0, in.readableBytes(), "the frame is consumed");
      return frame;
    } catch (FrameException e) {
      throw new AssertionError(e);
    }
  }

  private static void assertRefused(String reason, byte[] bytes) {
    FrameException e = assertThrows(FrameException.class,
        () -> new FrameDecoder(LIMIT).decode(Unpooled.wrappedBuffer(bytes)));
    assertTrue(e.getMessage().contains(reason), "'" + e.getMessage() + "' names " + reason);
  }

  private static byte[] patch(byte[] frame, int index, int value) {
    byte[] copy = frame.clone();
    copy[index] = (byte) value;
    return copy;
  }
}
