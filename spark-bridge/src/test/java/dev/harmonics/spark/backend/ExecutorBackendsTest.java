package dev.harmonics.spark.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.spark.testing.Blobs;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class ExecutorBackendsTest {

  @Test
  void anExplicitBackendIsHonouredExactly() {
    ExecutorBackends.Choice choice = ExecutorBackends.choose("reference", Optional.of("0"));
    assertEquals(Backend.REFERENCE, choice.backend());
    assertTrue(choice.reason().contains(ExecutorBackends.BACKEND_CONF), choice.reason());
  }

  @Test
  void anAssignedGpuWithoutCudaFallsBackToTheCpuAndSaysWhy() {
    ExecutorBackends.Choice choice = ExecutorBackends.choose("auto", Optional.of("0"));
    if (KernelProviders.availability(Backend.CUDA).available()) {
      assertEquals(Backend.CUDA, choice.backend());
    } else {
      assertTrue(choice.backend() == Backend.SIMD || choice.backend() == Backend.NATIVE_CPU,
          choice.toString());
      assertTrue(choice.reason().contains("Spark assigned GPU 0 but CUDA cannot run here"),
          choice.reason());
    }
  }

  @Test
  void unknownBackendsAreRefusedWithTheList() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ExecutorBackends.choose("tpu", Optional.empty()));
    assertTrue(e.getMessage().contains("native-cpu"), e.getMessage());
  }

  @Test
  void tasksReadTheBackendFromTheSparkConf() throws Exception {
    try (SparkSession spark = SparkSession.builder().appName("backends").master("local[2]")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config(ExecutorBackends.BACKEND_CONF, "reference").getOrCreate()) {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      List<String> used = sc.parallelize(List.of(1, 2), 2)
          .map(i -> ExecutorBackends.kernels().backend().id()).collect();
      assertEquals(List.of("reference", "reference"), used);
    }
  }
}
