package dev.harmonics.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CacheSizesTest {

  @Test
  void readsSysfsSizes() {
    assertEquals(512L << 10, CacheSizes.parseSize("512K\n", "size"));
    assertEquals(2L << 20, CacheSizes.parseSize("2M", "size"));
    assertEquals(1_048_576L, CacheSizes.parseSize(" 1048576 ", "size"));
  }

  @Test
  void rejectsWhatIsNotASize() {
    for (String bad : new String[] {"", "K", "-1M", "0", "two", "1.5M", "4G", "9223372036854775807K"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> CacheSizes.parseSize(bad, "harmonics.cache.l2"));
      assertTrue(e.getMessage().startsWith("harmonics.cache.l2="), e.getMessage());
    }
  }

  @Test
  void theL2SizeIsPlausible() {
    assertTrue(CacheSizes.L2_BYTES >= 64 << 10 && CacheSizes.L2_BYTES <= 1L << 30,
        "L2 of " + CacheSizes.L2_BYTES + " bytes");
  }
}
