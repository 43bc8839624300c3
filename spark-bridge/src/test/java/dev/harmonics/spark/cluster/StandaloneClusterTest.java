package dev.harmonics.spark.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.kernel.KernelProviders;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The cluster harness itself: executors are separate processes that load Harmonics from the
 * shipped application jars and run its SIMD kernels, and closing the cluster leaves no process.
 * Starting a cluster takes about 10-20 s on two cores.
 */
class StandaloneClusterTest {

  @Test
  void executorsAreSeparateProcessesRunningHarmonicsKernels() throws Exception {
    List<Long> daemons;
    Path dir = StandaloneCluster.workDir("harness");
    try (StandaloneCluster cluster = StandaloneCluster.start(dir, 2, "2g");
        SparkSession spark = SparkSession.builder().appName("harness-test")
            .master(cluster.masterUrl())
            .config("spark.jars", cluster.applicationJars())
            .config("spark.executor.memory", "1g")
            .config("spark.driver.host", "127.0.0.1")
            .getOrCreate()) {
      daemons = cluster.daemonPids();
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      long driverPid = ProcessHandle.current().pid();
      String best = KernelProviders.best().id();
      List<String> seen = sc.parallelize(List.of(1, 2, 3, 4), 4)
          .map(i -> ProcessHandle.current().pid() + " " + KernelProviders.get().backend().id())
          .collect();
      Set<String> pids = seen.stream().map(s -> s.split(" ")[0]).collect(Collectors.toSet());
      assertFalse(pids.contains(String.valueOf(driverPid)), "tasks ran in the driver: " + seen);
      assertTrue(seen.stream().allMatch(s -> s.endsWith(" " + best)),
          "executors should pick the driver's best kernels, " + best + ": " + seen);
      assertEquals(1, cluster.executors().size(), "one executor per worker for this app");
    }
    for (long pid : daemons) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
          "pid " + pid + " still runs after close");
    }
  }
}
