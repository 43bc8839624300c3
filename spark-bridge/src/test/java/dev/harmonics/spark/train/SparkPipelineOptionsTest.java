package dev.harmonics.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Bad pipeline settings are refused with the setting, its value and what was expected. */
class SparkPipelineOptionsTest {

  @Test
  void everySettingIsChecked() {
    SparkPipelineOptions o = SparkPipelineOptions.defaults();
    assertEquals("stages: 0 (expected: >= 1)",
        assertThrows(IllegalArgumentException.class, () -> o.withStages(0)).getMessage());
    assertEquals("epochs: -1 (expected: >= 1)",
        assertThrows(IllegalArgumentException.class, () -> o.withEpochs(-1)).getMessage());
    assertEquals("syncEvery: 0 (expected: >= 1)",
        assertThrows(IllegalArgumentException.class, () -> o.withSyncEvery(0)).getMessage());
    assertEquals("batchSize: 1 (expected: at least microBatches, 2)",
        assertThrows(IllegalArgumentException.class, () -> o.withBatchSize(1)).getMessage());
    assertEquals("learningRate: NaN (expected: a finite number > 0)",
        assertThrows(IllegalArgumentException.class,
            () -> o.withLearningRate(Double.NaN)).getMessage());
  }
}
