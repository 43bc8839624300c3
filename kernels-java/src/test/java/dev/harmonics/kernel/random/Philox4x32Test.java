package dev.harmonics.kernel.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Philox-4x32-10 against the known-answer vectors published with Random123 (kat_vectors). */
class Philox4x32Test {

  @Test
  void zeroCounterAndKey() {
    assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        Philox4x32.block(new int[] {0, 0, 0, 0}, new int[] {0, 0}));
  }

  @Test
  void allOnesCounterAndKey() {
    assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
        Philox4x32.block(new int[] {-1, -1, -1, -1}, new int[] {-1, -1}));
  }

  @Test
  void digitsOfPiAsCounterAndKey() {
    assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
        Philox4x32.block(new int[] {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
            new int[] {0xa4093822, 0x299f31d0}));
  }

  @Test
  void roundKeysFollowTheWeylSequence() {
    long[] keys = Philox4x32.roundKeys(0xa4093822, 0x299f31d0);
    assertEquals(0xa4093822L, keys[0]);
    assertEquals(0x299f31d0L, keys[1]);
    assertEquals((0xa4093822 + 9 * Philox4x32.W0) & 0xFFFF_FFFFL, keys[18]);
    assertEquals((0x299f31d0 + 9 * Philox4x32.W1) & 0xFFFF_FFFFL, keys[19]);
  }

  @Test
  void wrongWordCountsAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> Philox4x32.block(new int[3], new int[2]));
  }
}
