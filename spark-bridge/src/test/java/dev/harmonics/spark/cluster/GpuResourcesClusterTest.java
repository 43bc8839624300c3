package dev.harmonics.spark.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.spark.backend.ExecutorBackends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Spark's GPU scheduling on a real standalone cluster: the worker discovers one GPU through a
 * discovery script (this machine has none; the script reports address 0, which is all Spark
 * itself knows of a GPU), the application asks for one per executor and half of one per task.
 * Tasks see address 0, Harmonics maps it to CUDA device 0, and without CUDA falls back to the CPU
 * with the reason. One cluster start, 20-40 s on two cores.
 */
class GpuResourcesClusterTest {

  @Test
  void tasksSeeTheirGpuAndFallBackToTheCpuWithoutCuda() throws Exception {
    Path dir = StandaloneCluster.workDir("gpu");
    Path script = dir.resolve("discover-gpu.sh");
    Files.writeString(script, "#!/bin/sh\necho '{\"name\":\"gpu\",\"addresses\":[\"0\"]}'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Map<String, String> worker = Map.of("spark.worker.resource.gpu.amount", "1",
        "spark.worker.resource.gpu.discoveryScript", script.toString());
    try (StandaloneCluster cluster = StandaloneCluster.start(dir, 2, "2g", worker);
        SparkSession spark = SparkSession.builder().appName("gpu-test")
            .master(cluster.masterUrl())
            .config("spark.jars", cluster.applicationJars())
            .config("spark.executor.memory", "1g")
            .config("spark.executor.cores", "2")
            .config("spark.executor.resource.gpu.amount", "1")
            .config("spark.task.resource.gpu.amount", "0.5")
            .config("spark.driver.host", "127.0.0.1")
            .getOrCreate()) {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      List<String> seen = sc.parallelize(List.of(1, 2, 3, 4), 4).map(i -> {
        String address = String.join(",", TaskContext.get().resources().get("gpu").get()
            .addresses());
        ExecutorBackends.Choice choice = ExecutorBackends.choice();
        return address + "|" + System.getProperty("harmonics.cuda.device") + "|"
            + ExecutorBackends.kernels().backend().id() + "|" + choice.reason();
      }).collect();
      boolean cuda = KernelProviders.availability(Backend.CUDA).available();
      for (String task : seen) {
        String[] parts = task.split("\\|", 4);
        assertEquals("0", parts[0], "GPU address the task was given: " + task);
        assertEquals("0", parts[1], "CUDA device index: " + task);
        if (cuda) {
          assertEquals("cuda", parts[2], task);
        } else {
          assertTrue(parts[2].equals("simd") || parts[2].equals("native-cpu"), task);
          assertTrue(parts[3].startsWith("Spark assigned GPU 0 but CUDA cannot run here: "),
              task);
        }
      }
    }
  }
}
