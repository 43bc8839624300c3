package dev.harmonics.examples;

import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.harp.HarpParser;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.partition.PartitionedGraph;
import dev.harmonics.partition.Partitioner;
import dev.harmonics.runtime.FitOptions;
import dev.harmonics.schedule.PipelineOptions;
import dev.harmonics.schedule.RemoteScheduler;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.transport.LinkPolicy;
import dev.harmonics.transport.RemoteBinding;
import dev.harmonics.transport.Transport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A graph cut in two partitions that train together from two processes, once over TCP and once
 * over gRPC: this process runs the second partition and listens; it starts the first partition
 * in a second JVM (same {@code java}, same class path), which connects. Both print what crossed
 * the boundary: activations forward, gradients back.
 */
public final class DistributedSchedulerExample {

  static final String GRAPH = """
      harmonic pipeline {
        producer x {12};
        producer labels {1};
        layer a dense(units=32);
        layer b dense(units=16);
        layer c dense(units=16);
        layer logits dense(units=4);
        consumer p {4};
        cycle {
          x -> a -(relu)-> b -(relu)-> c -(relu)-> logits -(softmax)-> p;
          p <-(cross_entropy)- labels;
        }
      }
      """;
  private static final long SEED = 11;
  private static final int BATCH = 32;
  private static final String FIRST = "--first-partition";

  private final PrintStream out;
  private final int steps;

  /**
   * @param out where the example reports
   * @param steps training steps per transport
   */
  public DistributedSchedulerExample(PrintStream out, int steps) {
    this.out = out;
    this.steps = steps;
  }

  static HarmonicGraph graph() {
    return HarpParser.parse(GRAPH, "pipeline.harp");
  }

  static PartitionedGraph cut() {
    return Partitioner.partitionGraph(graph(), 2);
  }

  static PipelineOptions options() {
    return PipelineOptions.defaults().withMicroBatches(2)
        .withTraining(FitOptions.defaults().withLearningRate(0.01))
        .withReceiveTimeout(Duration.ofSeconds(60));
  }

  /** Runs the example over TCP, then over gRPC. */
  public void run() throws IOException, InterruptedException {
    PartitionedGraph cut = cut();
    out.printf("graph 'pipeline' (%s) cut into %d partitions at boundary '%s'%n",
        String.join(" -> ", graph().layers().stream().map(l -> l.name()).toList()), cut.size(),
        cut.boundaries().getFirst().name());
    for (Transport transport : Transport.values()) {
      runOver(transport, cut);
    }
  }

  private void runOver(Transport transport, PartitionedGraph cut)
      throws IOException, InterruptedException {
    String name = cut.boundaries().getFirst().name();
    RemoteBinding listen = RemoteBinding.of(name, "localhost", 0, transport);
    long pid = ProcessHandle.current().pid();
    try (RemoteScheduler me = RemoteScheduler.start(cut, 1,
        KernelProviders.get(), SEED, options(), listen, null, LinkPolicy.DEFAULT, false)) {
      out.printf("%n== over %s: partition 1 (layers %s) in process %d listens on localhost:%d%n",
          transport, cut.partition(1).layerNames(), pid, me.listeningPort());
      Process child = ChildJvm.start(DistributedSchedulerExample.class, List.of(FIRST,
          transport.name(), "localhost", String.valueOf(me.listeningPort()),
          String.valueOf(steps)));
      Thread echo = Thread.ofPlatform().daemon().start(() -> echo(child));
      try {
        me.recordReceived(true);
        for (int s = 0; s < steps; s++) {
          Map<String, Tensor> batch = ExampleData.batch(BATCH, s);
          double loss = me.step(batch).loss();
          batch.values().forEach(Tensor::close);
          for (String line : me.received()) {
            out.printf("   [partition 1, pid %d] step %d received %s%n", pid, s + 1, line);
          }
          out.printf("   [partition 1, pid %d] step %d loss %.4f%n", pid, s + 1, loss);
        }
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("partition 0's process did not end within 60 s");
        }
        echo.join(5000);
        if (child.exitValue() != 0) {
          throw new IllegalStateException("partition 0's process failed: exit "
              + child.exitValue());
        }
      } finally {
        child.destroyForcibly();
      }
    }
  }

  /**
   * Prints the child's report lines as they come; its other output (JVM notices, log lines) is
   * kept and printed only when the child fails, where it explains the failure.
   */
  private void echo(Process child) {
    List<String> rest = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("[partition")) {
          out.println("   " + line);
        } else {
          rest.add(line);
        }
      }
      if (child.waitFor() != 0) {
        rest.forEach(l -> out.println("   | " + l));
      }
    } catch (IOException e) {
      out.println("   (child output lost: " + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }


  /**
   * The first partition's process: {@code --first-partition TRANSPORT HOST PORT STEPS}. Without
   * arguments, runs the whole example.
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length == 0) {
      new DistributedSchedulerExample(System.out, 3).run();
      return;
    }
    if (args.length != 5 || !args[0].equals(FIRST)) {
      throw new IllegalArgumentException("usage: " + FIRST + " TCP|GRPC HOST PORT STEPS");
    }
    Transport transport = Transport.valueOf(args[1]);
    int steps = Integer.parseInt(args[4]);
    PartitionedGraph cut = cut();
    RemoteBinding connect = RemoteBinding.of(cut.boundaries().getFirst().name(), args[2],
        Integer.parseInt(args[3]), transport);
    long pid = ProcessHandle.current().pid();
    LinkPolicy policy = LinkPolicy.DEFAULT.withAttempts(20, Duration.ofMillis(100),
        Duration.ofSeconds(1));
    try (RemoteScheduler me = RemoteScheduler.start(cut, 0, KernelProviders.get(), SEED,
        options(), null, connect, policy, false)) {
      System.out.printf("[partition 0, pid %d] layers %s connected to %s%n", pid,
          cut.partition(0).layerNames(), connect.describe());
      me.recordReceived(true);
      for (int s = 0; s < steps; s++) {
        Map<String, Tensor> batch = ExampleData.batch(BATCH, s);
        me.step(batch);
        batch.values().forEach(Tensor::close);
        for (String line : me.received()) {
          System.out.printf("[partition 0, pid %d] step %d received %s%n", pid, s + 1, line);
        }
      }
    }
  }
}
