package dev.harmonics.spark.cluster;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster for tests, started from the Maven class path rather than a Spark
 * distribution: a master and a worker as separate JVMs, executors as further JVMs the worker
 * starts. Spark's jars go into a {@code SPARK_HOME/jars} folder; this project's class folders are
 * packed into jars that jobs ship with {@code spark.jars}, as a user's application jar would be.
 * {@link #close()} stops every process it started, by pid, with their children.
 */
public final class StandaloneCluster implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final String REGISTERED = "Successfully registered with master";

  private final Path home;
  private final int masterPort;
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> applicationJars;

  private StandaloneCluster(Path home, int masterPort, List<Path> applicationJars) {
    this.home = home;
    this.masterPort = masterPort;
    this.applicationJars = applicationJars;
  }

  /**
   * Starts a master and one worker with {@code cores} cores and {@code memory} (e.g. "2g") under
   * {@code workDir}, and waits until the worker has registered.
   */
  public static StandaloneCluster start(Path workDir, int cores, String memory)
      throws IOException, InterruptedException {
    return start(workDir, cores, memory, Map.of());
  }

  /**
   * As {@link #start(Path, int, String)}, the worker also given {@code workerConf} (Spark
   * properties such as {@code spark.worker.resource.gpu.amount}) in a properties file.
   */
  public static StandaloneCluster start(Path workDir, int cores, String memory,
      Map<String, String> workerConf) throws IOException, InterruptedException {
    Path home = Files.createDirectories(workDir.resolve("spark-home"));
    Path jars = Files.createDirectories(home.resolve("jars"));
    List<Path> applicationJars = packApplication(workDir);
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (entry.endsWith(".jar") && Files.exists(path)) {
        Path link = jars.resolve(path.getFileName());
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, path.toAbsolutePath());
        }
      }
    }
    StandaloneCluster cluster = new StandaloneCluster(home, freePort(), applicationJars);
    try {
      cluster.launch("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
          "--port", String.valueOf(cluster.masterPort), "--webui-port",
          String.valueOf(freePort()));
      cluster.awaitPort(cluster.masterPort);
      Properties properties = new Properties();
      properties.putAll(workerConf);
      Path propertiesFile = workDir.resolve("worker.properties");
      try (OutputStream out = Files.newOutputStream(propertiesFile)) {
        properties.store(out, "worker settings of this test cluster");
      }
      Path workerLog = cluster.launch("worker", "org.apache.spark.deploy.worker.Worker",
          "--host", "127.0.0.1", "--cores", String.valueOf(cores), "--memory", memory,
          "--webui-port", String.valueOf(freePort()),
          "--properties-file", propertiesFile.toString(),
          "--work-dir", Files.createDirectories(workDir.resolve("work")).toString(),
          cluster.masterUrl());
      cluster.awaitLine(workerLog, REGISTERED);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * This project's class folders on the test class path, each packed as a jar under
   * {@code workDir}, as a user's application jar would be shipped with {@code spark.jars}.
   */
  public static List<Path> packApplication(Path workDir) throws IOException {
    List<Path> out = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (Files.isDirectory(path)) {
        Path jar = workDir.resolve("harmonics-app-" + out.size() + ".jar");
        packFolder(path, jar);
        out.add(jar);
      }
    }
    return out;
  }

  /**
   * A fresh folder for one cluster under {@code target/spark-clusters}: it keeps the daemons' logs
   * for a failed test to be read, and Maven's clean removes it.
   */
  public static Path workDir(String name) throws IOException {
    Path dir = Path.of("target", "spark-clusters", name + "-" + System.nanoTime());
    return Files.createDirectories(dir).toAbsolutePath();
  }

  /** {@code spark://127.0.0.1:PORT}. */
  public String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** This project's classes, packed as jars, for {@code spark.jars}. */
  public String applicationJars() {
    return String.join(",", applicationJars.stream().map(Path::toString).toList());
  }

  /** The executor JVMs the worker has started, as live process handles. */
  public List<ProcessHandle> executors() {
    return processes.stream().flatMap(p -> p.toHandle().descendants())
        .filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
        .toList();
  }

  /** The pids of the master and the worker. */
  public List<Long> daemonPids() {
    return processes.stream().map(Process::pid).toList();
  }

  private Path launch(String name, String mainClass, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx512m",
        "-cp", home.resolve("jars") + File.separator + "*", mainClass));
    command.addAll(List.of(args));
    Path log = home.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("SPARK_HOME", home.toString());
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    processes.add(builder.start());
    return log;
  }

  private void awaitPort(int port) throws InterruptedException, IOException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        requireAlive();
        Thread.sleep(200);
      }
    }
    throw new IOException("the Spark master did not open port " + port + " within "
        + START_TIMEOUT.toSeconds() + " s; see " + home.resolve("master.log"));
  }

  private void awaitLine(Path log, String line) throws InterruptedException, IOException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (Files.exists(log) && Files.readString(log).contains(line)) {
        return;
      }
      requireAlive();
      Thread.sleep(200);
    }
    throw new IOException("no '" + line + "' in " + log + " within "
        + START_TIMEOUT.toSeconds() + " s");
  }

  private void requireAlive() throws IOException {
    for (Process p : processes) {
      if (!p.isAlive()) {
        throw new IOException("a Spark daemon (pid " + p.pid() + ") exited with "
            + p.exitValue() + "; see the logs in " + home);
      }
    }
  }

  @Override
  public void close() {
    for (Process p : processes.reversed()) {
      p.toHandle().descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void packFolder(Path folder, Path jar) throws IOException {
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file);
        Stream<Path> files = Files.walk(folder)) {
      files.filter(Files::isRegularFile).forEach(f -> {
        try {
          out.putNextEntry(new JarEntry(folder.relativize(f).toString().replace('\\', '/')));
          Files.copy(f, out);
          out.closeEntry();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
