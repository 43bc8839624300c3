package dev.harmonics.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How {@link GemmDriver} cuts a product split by rows into row blocks. */
class GemmDriverTest {

  /** 1024 rows are 171 panels; within the A budget at K = 1024 that is at least 6 blocks. */
  @Test
  void everyThreadGetsTheSameNumberOfRectangles() {
    assertEquals(8, GemmDriver.splitRowsEvenly(171, 6, 1, 2));
    assertEquals(12, GemmDriver.splitRowsEvenly(171, 6, 1, 3));
    assertEquals(8, GemmDriver.splitRowsEvenly(86, 3, 1, 2));
    // 2048 rows at K = 2048 over four column blocks: 44 rectangles already share out evenly
    assertEquals(11, GemmDriver.splitRowsEvenly(342, 11, 4, 2));
    assertEquals(12, GemmDriver.splitRowsEvenly(342, 11, 4, 3));
  }

  /**
   * Blocks keep at least four panels: fewer rectangles then, in a count the threads share equally
   * where there is one (256 rows on three threads: 9 blocks, not 10), else as many as allowed.
   */
  @Test
  void blocksKeepFourPanels() {
    assertEquals(9, GemmDriver.splitRowsEvenly(43, 2, 1, 3));
    assertEquals(2, GemmDriver.splitRowsEvenly(13, 1, 1, 2));
    assertEquals(2, GemmDriver.splitRowsEvenly(8, 1, 1, 3));
    assertEquals(1, GemmDriver.splitRowsEvenly(3, 1, 1, 2));
    assertEquals(5, GemmDriver.splitRowsEvenly(6, 5, 1, 2));
  }
}
