package dev.harmonics.spark.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.spark.cluster.StandaloneCluster;
import dev.harmonics.spark.testing.Blobs;
import dev.harmonics.spark.train.DataParallelTrainer;
import dev.harmonics.spark.train.SparkTrainOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * Harmonics on the official Spark image, for users' machines with a Docker engine: the image's
 * own Spark runs a master and a worker in one container on the host's network, and a driver in
 * this JVM trains on it. The image ships Java 21 and Harmonics needs Java 25, so this JVM's JDK
 * is copied in and the daemons and executors run on it. Skipped, saying so, where Testcontainers
 * finds no Docker engine (as on the build machines). About a minute once the image is pulled.
 */
class SparkImageContainerTest {

  /** The official image of the Spark line we build against, pinned. */
  static final String IMAGE = "apache/spark:4.2.0-scala2.13-java21-ubuntu";

  private static GenericContainer<?> spark;
  private static int masterPort;

  @BeforeAll
  static void start() throws IOException {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      return;
    }
    masterPort = freePort();
    String daemons = String.join(" && ",
        "export JAVA_HOME=/opt/jdk SPARK_LOCAL_IP=127.0.0.1",
        "/opt/spark/bin/spark-class org.apache.spark.deploy.master.Master --host 127.0.0.1"
            + " --port " + masterPort + " --webui-port " + freePort() + " &"
            + " sleep 5; /opt/spark/bin/spark-class org.apache.spark.deploy.worker.Worker"
            + " --host 127.0.0.1 --cores 2 --memory 2g --webui-port " + freePort()
            + " spark://127.0.0.1:" + masterPort);
    spark = new GenericContainer<>(DockerImageName.parse(IMAGE))
        .withNetworkMode("host")
        .withCopyFileToContainer(MountableFile.forHostPath(System.getProperty("java.home")),
            "/opt/jdk")
        .withCommand("bash", "-c", daemons)
        .waitingFor(Wait.forLogMessage(".*Successfully registered with master.*", 1)
            .withStartupTimeout(Duration.ofMinutes(3)));
    spark.start();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void trainsOnTheOfficialImage() throws IOException {
    // assumed here rather than in start() so the report counts the test as skipped, with why
    Assumptions.assumeTrue(spark != null, "no Docker engine reachable (Testcontainers found"
        + " none): this test runs on machines with one");
    Path work = StandaloneCluster.workDir("container");
    String jars = StandaloneCluster.packApplication(work).stream().map(Path::toString)
        .collect(Collectors.joining(","));
    try (SparkSession session = SparkSession.builder().appName("container-test")
        .master("spark://127.0.0.1:" + masterPort)
        .config("spark.jars", jars)
        .config("spark.executor.memory", "1g")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()) {
      Dataset<Row> data = Blobs.data(session, 600, 2, 3).cache();
      var result = DataParallelTrainer.fit(data, Blobs.graph(),
          SparkTrainOptions.defaults("features", "label").withBatchSize(32).withEpochs(2)
              .withOptimizer("adam", 0.01));
      assertEquals(2, result.epochs().size());
      List<Double> losses = result.epochs().stream()
          .map(DataParallelTrainer.EpochReport::meanLoss).toList();
      assertTrue(losses.getLast() < losses.getFirst(), "loss should fall: " + losses);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
