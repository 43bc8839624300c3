package dev.harmonics.spark.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.spark.testing.Blobs;
import dev.harmonics.spark.train.DataParallelTrainer;
import dev.harmonics.spark.train.SparkCheckpoints;
import dev.harmonics.spark.train.SparkTrainOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Training on a real standalone cluster (a master, a worker and executor JVMs): killing the
 * executor in the middle of training still ends with the model of an undisturbed run, bit for
 * bit, and every checkpoint written reads back intact. About one to two minutes on two cores.
 */
class ClusterTrainingTest {

  private static StandaloneCluster cluster;
  private static SparkSession spark;
  private static Path work;

  @BeforeAll
  static void start() throws Exception {
    work = StandaloneCluster.workDir("training");
    cluster = StandaloneCluster.start(work, 2, "2g");
    spark = SparkSession.builder().appName("cluster-training").master(cluster.masterUrl())
        .config("spark.jars", cluster.applicationJars())
        .config("spark.executor.memory", "1g")
        .config("spark.executor.extraJavaOptions", "-Dharmonics.threads=1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static SparkTrainOptions options(String checkpoints) {
    return SparkTrainOptions.defaults("features", "label").withBatchSize(32).withEpochs(3)
        .withMode(SparkTrainOptions.Mode.PARAMETER_AVERAGING, 2).withOptimizer("adam", 0.01)
        .withCheckpointDir(checkpoints);
  }

  @Test
  void losingTheExecutorMidTrainingEndsWithTheSameModel() throws Exception {
    Dataset<Row> data = Blobs.data(spark, 1200, 4, 7);
    Path quiet = Files.createDirectories(work.resolve("undisturbed"));
    String undisturbed = DataParallelTrainer
        .fit(data, Blobs.graph(), options(quiet.toUri().toString())).model().id();

    Path killed = Files.createDirectories(work.resolve("killed"));
    CompletableFuture<String> training = CompletableFuture.supplyAsync(() -> DataParallelTrainer
        .fit(data, Blobs.graph(), options(killed.toUri().toString())).model().id());
    Path firstEpoch = killed.resolve("epoch-00001.hspk");
    while (!Files.exists(firstEpoch) && !training.isDone()) {
      Thread.sleep(100);
    }
    assertFalse(training.isDone(), "training ended before an executor could be killed");
    List<ProcessHandle> executors = cluster.executors();
    assertEquals(1, executors.size(), "one executor JVM expected: " + executors);
    long killedPid = executors.getFirst().pid();
    assertTrue(executors.getFirst().destroyForcibly(), "could not kill pid " + killedPid);

    assertEquals(undisturbed, training.get(5, TimeUnit.MINUTES));
    assertTrue(cluster.executors().stream().noneMatch(h -> h.pid() == killedPid));
    var conf = spark.sparkContext().hadoopConfiguration();
    try (Stream<Path> files = Files.list(killed)) {
      List<Path> checkpoints = files.filter(f -> f.getFileName().toString().endsWith(".hspk"))
          .sorted().toList();
      assertEquals(3, checkpoints.size(), "one checkpoint per epoch: " + checkpoints);
      for (Path checkpoint : checkpoints) {
        SparkCheckpoints.read(checkpoint.toUri().toString(), conf);
      }
    }
  }
}
