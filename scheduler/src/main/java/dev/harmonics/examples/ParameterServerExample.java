package dev.harmonics.examples;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.data.Batch;
import dev.harmonics.data.FashionMnist;
import dev.harmonics.data.Producer;
import dev.harmonics.data.Producers;
import dev.harmonics.data.SampleSet;
import dev.harmonics.data.SampleSets;
import dev.harmonics.data.idx.IdxDataset;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.harp.HarpParser;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.runtime.CycleRuntime;
import dev.harmonics.runtime.Evaluation;
import dev.harmonics.runtime.FitOptions;
import dev.harmonics.runtime.layer.Parameter;
import dev.harmonics.runtime.optim.Optimizer;
import dev.harmonics.runtime.optim.OptimizerConfig;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.transport.LinkPolicy;
import dev.harmonics.transport.ListeningChannel;
import dev.harmonics.transport.RemoteBinding;
import dev.harmonics.transport.TensorChannel;
import dev.harmonics.transport.TensorMessage;
import dev.harmonics.transport.Transport;
import dev.harmonics.transport.Transports;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A parameter server over the TCP transport: this process holds the model and its optimizer;
 * worker processes (started as JVMs like this one) each train on their own shard of
 * Fashion-MNIST's training set. A worker pulls the parameters, computes the gradient of one batch
 * with the runtime, and pushes it; the server averages the pushes of a round and updates
 * (synchronous) or updates with each push as it comes and answers that worker alone
 * (asynchronous, so a gradient may be a few updates stale). At the end the server's model is
 * evaluated on the test set beside a single process trained on as many samples.
 *
 * <p>Protocol, one link per worker (the worker connects to its own binding {@code ps-<k>}): the
 * server sends {@code param/<name>} for every parameter in graph order; the worker answers
 * {@code grad/<name>} for every parameter in the same order, then {@code loss} (a one-element
 * tensor). Each message is acknowledged by the transport before the next is sent.
 */
public final class ParameterServerExample {

  /** Fashion-MNIST's images through one hidden layer: small enough for a few seconds a run. */
  static final String GRAPH = """
      harmonic fashion_ps {
        producer images {784};
        producer labels {1};
        layer hidden dense(units=128);
        layer logits dense(units=10);
        consumer probabilities {10};
        cycle {
          images -> hidden -(relu)-> logits -(softmax)-> probabilities;
          probabilities <-(cross_entropy)- labels;
        }
      }
      """;
  private static final String WORKER = "--worker";
  private static final long SEED = 2026;
  private static final double LEARNING_RATE = 2e-3;
  /** Waits up to about a minute for a peer: a worker JVM on a loaded machine starts slowly. */
  private static final LinkPolicy PATIENT = LinkPolicy.DEFAULT.withAttempts(40,
      Duration.ofMillis(100), Duration.ofSeconds(2));

  /** Synchronous rounds or asynchronous pushes. */
  public enum Mode { SYNC, ASYNC }

  /**
   * What a run measured.
   *
   * @param mode how the server applied the pushes
   * @param workers worker processes
   * @param updates optimizer updates the server made
   * @param accuracy the server model's test accuracy
   * @param baselineAccuracy the test accuracy of one process trained on as many samples
   * @param seconds wall time of the distributed training, worker start-up included
   */
  public record Result(Mode mode, int workers, long updates, double accuracy,
      double baselineAccuracy, double seconds) {}

  private final PrintStream out;
  private final int workers;
  private final int stepsPerWorker;
  private final int batch;
  /** The single-process accuracy, the same for both modes: computed once per example. */
  private double baselineAccuracy = Double.NaN;

  /**
   * @param out where progress and results go
   * @param workers worker processes (each with its shard)
   * @param stepsPerWorker gradients each worker pushes
   * @param batch samples per gradient
   */
  public ParameterServerExample(PrintStream out, int workers, int stepsPerWorker, int batch) {
    if (workers < 1 || stepsPerWorker < 1 || batch < 1) {
      throw new IllegalArgumentException("workers " + workers + ", steps " + stepsPerWorker
          + ", batch " + batch + " (expected: all >= 1)");
    }
    this.out = out;
    this.workers = workers;
    this.stepsPerWorker = stepsPerWorker;
    this.batch = batch;
  }

  static HarmonicGraph graph() {
    return HarpParser.parse(GRAPH, "fashion_ps.harp");
  }

  /**
   * Trains with the server in this process and {@code workers} worker processes, then the
   * single-process baseline; prints both accuracies.
   */
  public Result run(Mode mode) throws IOException, InterruptedException {
    KernelProvider kernels = KernelProviders.get();
    IdxDataset test = FashionMnist.load(FashionMnist.Split.TEST);
    long start = System.nanoTime();
    Result result;
    try (CycleRuntime model = CycleRuntime.compile(graph(), kernels, SEED);
        Optimizer optimizer = new Optimizer(OptimizerConfig.adam(), 0, model.parameters(),
            kernels)) {
      long updates = serve(mode, model, optimizer);
      double seconds = (System.nanoTime() - start) / 1e9;
      double accuracy = evaluate(model, test);
      if (Double.isNaN(baselineAccuracy)) {
        baselineAccuracy = baseline(kernels, test);
      }
      double baseline = baselineAccuracy;
      result = new Result(mode, workers, updates, accuracy, baseline, seconds);
    }
    out.printf(Locale.ROOT, "%s: %d workers x %d pushes of %d samples, %d updates in %.1f s%n",
        mode, workers, stepsPerWorker, batch, result.updates(), result.seconds());
    out.printf(Locale.ROOT, "  test accuracy: parameter server %.4f, single process with the"
        + " same samples %.4f%n", result.accuracy(), result.baselineAccuracy());
    return result;
  }

  private long serve(Mode mode, CycleRuntime model, Optimizer optimizer)
      throws IOException, InterruptedException {
    List<ListeningChannel> links = new ArrayList<>();
    List<Process> processes = new ArrayList<>();
    List<Thread> echoes = new ArrayList<>();
    try {
      for (int w = 0; w < workers; w++) {
        ListeningChannel link = Transports.listen(
            RemoteBinding.of("ps-" + w, "localhost", 0, Transport.TCP), PATIENT);
        links.add(link);
        Process p = ChildJvm.start(ParameterServerExample.class, List.of(WORKER,
            String.valueOf(w), String.valueOf(workers), "localhost", String.valueOf(link.port()),
            String.valueOf(stepsPerWorker), String.valueOf(batch)));
        processes.add(p);
        echoes.add(Thread.ofPlatform().daemon().start(() -> echo(p)));
      }
      out.printf("%s: server in process %d, %d workers started%n", mode,
          ProcessHandle.current().pid(), workers);
      long updates = mode == Mode.SYNC ? synchronous(model, optimizer, links)
          : asynchronous(model, optimizer, links);
      for (Process p : processes) {
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IllegalStateException("a worker process failed or hung (pid " + p.pid()
              + ")");
        }
      }
      for (Thread t : echoes) {
        t.join(5000);
      }
      return updates;
    } finally {
      processes.forEach(Process::destroyForcibly);
      links.forEach(TensorChannel::close);
    }
  }

  private long synchronous(CycleRuntime model, Optimizer optimizer,
      List<ListeningChannel> links) {
    List<Parameter> params = model.parameters();
    for (int round = 0; round < stepsPerWorker; round++) {
      for (ListeningChannel link : links) {
        sendParameters(params, link);
      }
      params.forEach(p -> p.grad().fill(0f));
      double loss = 0;
      for (ListeningChannel link : links) {
        loss += receiveGradients(params, link, true);
      }
      for (Parameter p : params) {
        model.kernels().optimizers().scaleInPlace(p.grad(), 1f / links.size());
      }
      optimizer.step(LEARNING_RATE);
      if ((round + 1) % 25 == 0 || round == stepsPerWorker - 1) {
        out.printf(Locale.ROOT, "  round %d: mean worker loss %.4f%n", round + 1,
            loss / links.size());
      }
    }
    return stepsPerWorker;
  }

  private long asynchronous(CycleRuntime model, Optimizer optimizer,
      List<ListeningChannel> links) {
    List<Parameter> params = model.parameters();
    int[] pushes = new int[links.size()];
    for (ListeningChannel link : links) {
      sendParameters(params, link);
    }
    long updates = 0;
    long total = (long) stepsPerWorker * links.size();
    while (updates < total) {
      for (int w = 0; w < links.size(); w++) {
        if (pushes[w] == stepsPerWorker) {
          continue;
        }
        Optional<TensorMessage> first = links.get(w).receive(Duration.ofMillis(5));
        if (first.isEmpty()) {
          continue;
        }
        double loss = receiveGradients(params, links.get(w), first.get());
        optimizer.step(LEARNING_RATE);
        updates++;
        pushes[w]++;
        if (pushes[w] < stepsPerWorker) {
          sendParameters(params, links.get(w));
        }
        if (updates % 50 == 0 || updates == total) {
          out.printf(Locale.ROOT, "  update %d (worker %d's push %d): loss %.4f%n", updates, w,
              pushes[w], loss);
        }
      }
    }
    return updates;
  }

  private static void sendParameters(List<Parameter> params, TensorChannel link) {
    for (Parameter p : params) {
      Tensor copy = Tensor.zeros(p.value().shape());
      p.value().copyTo(copy);
      link.send(new TensorMessage("param/" + p.name(), copy));
      copy.close();
    }
  }

  /** Adds one push into the parameters' gradients (sync) or sets them (async). */
  private static double receiveGradients(List<Parameter> params, TensorChannel link,
      boolean add) {
    return readPush(params, link, take(link), add);
  }

  private static double receiveGradients(List<Parameter> params, TensorChannel link,
      TensorMessage first) {
    return readPush(params, link, first, false);
  }

  private static double readPush(List<Parameter> params, TensorChannel link,
      TensorMessage first, boolean add) {
    TensorMessage msg = first;
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      if (i > 0) {
        msg = take(link);
      }
      expect(msg, "grad/" + p.name(), p.value().shape());
      try (Tensor g = msg.tensor()) {
        if (add) {
          float[] sum = p.grad().toFloatArray();
          float[] more = g.toFloatArray();
          for (int j = 0; j < sum.length; j++) {
            sum[j] += more[j];
          }
          p.grad().copyFrom(sum);
        } else {
          g.copyTo(p.grad());
        }
      }
    }
    TensorMessage loss = take(link);
    expect(loss, "loss", new int[] {1});
    try (Tensor t = loss.tensor()) {
      return t.getFlat(0);
    }
  }

  private static TensorMessage take(TensorChannel link) {
    return link.receive(Duration.ofSeconds(60)).orElseThrow(() -> new IllegalStateException(
        "no message from a peer within 60 s (is it alive?)"));
  }

  private static void expect(TensorMessage msg, String name, int[] shape) {
    if (!msg.name().equals(name) || !Arrays.equals(msg.tensor().shape(), shape)) {
      msg.tensor().close();
      throw new IllegalStateException("received '" + msg.name() + "' "
          + msg.tensor().describe() + " (expected: '" + name + "' of shape "
          + Arrays.toString(shape) + ")");
    }
  }

  private double baseline(KernelProvider kernels, IdxDataset test) throws IOException {
    IdxDataset train = FashionMnist.load(FashionMnist.Split.TRAIN);
    try (CycleRuntime single = CycleRuntime.compile(graph(), kernels, SEED);
        Producer<Batch> data = Producers.batch(Producers.shuffled(train, SEED), batch, true)) {
      single.setTrainingOptions(FitOptions.defaults().withLearningRate(LEARNING_RATE));
      for (int s = 0; s < stepsPerWorker * workers; s++) {
        if (!data.hasNext()) {
          data.reset();
        }
        try (Batch b = data.next()) {
          single.trainStep(inputs(b));
        }
      }
      return evaluate(single, test);
    }
  }

  private static double evaluate(CycleRuntime model, SampleSet test) {
    try (Producer<Batch> data = Producers.batch(Producers.sequential(test), 1000, false)) {
      Evaluation e = model.evaluate(data);
      return e.accuracy();
    }
  }

  private static Map<String, Tensor> inputs(Batch b) {
    return Map.of("images", b.features(), "labels", b.labels());
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
        if (line.startsWith("[worker")) {
          out.println("  " + line);
        } else {
          rest.add(line);
        }
      }
      if (child.waitFor() != 0) {
        rest.forEach(l -> out.println("  | " + l));
      }
    } catch (IOException e) {
      out.println("  (child output lost: " + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }


  /**
   * A worker process: {@code --worker K N HOST PORT STEPS BATCH}. Without arguments, runs the
   * example in both modes with 2 workers.
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length == 0) {
      ParameterServerExample example = new ParameterServerExample(System.out, 2, 100, 64);
      example.run(Mode.SYNC);
      example.run(Mode.ASYNC);
      return;
    }
    if (args.length != 7 || !args[0].equals(WORKER)) {
      throw new IllegalArgumentException("usage: " + WORKER + " K N HOST PORT STEPS BATCH");
    }
    int k = Integer.parseInt(args[1]);
    int n = Integer.parseInt(args[2]);
    int steps = Integer.parseInt(args[5]);
    int batchSize = Integer.parseInt(args[6]);
    if (System.getProperty("harmonics.threads") == null) {
      // The server and the n workers share this machine: a pool as wide as the machine in every
      // process put three spinning pools on two cores here, and the order in which asynchronous
      // pushes arrived, and with it the model's accuracy, spread further (0.57-0.70 against
      // 0.68-0.70 with one thread per worker).
      KernelPool.setParallelism(Math.max(1, Runtime.getRuntime().availableProcessors() / (n + 1)));
    }
    work(k, n, RemoteBinding.of("ps-" + k, args[3], Integer.parseInt(args[4]), Transport.TCP),
        steps, batchSize);
  }

  private static void work(int k, int n, RemoteBinding server, int steps, int batchSize)
      throws IOException {
    long pid = ProcessHandle.current().pid();
    try (TensorChannel link = Transports.connect(server, PATIENT);
        CycleRuntime runtime = CycleRuntime.compile(graph(), KernelProviders.get(), SEED)) {
      SampleSet shard = SampleSets.shard(FashionMnist.load(FashionMnist.Split.TRAIN), k, n);
      Producer<Batch> data = Producers.batch(Producers.shuffled(shard, SEED + k), batchSize,
          true);
      System.out.printf("[worker %d, pid %d] shard %d of %d: %d samples, connected to %s%n", k,
          pid, k, n, shard.size(), server.describe());
      List<Parameter> params = runtime.parameters();
      double lossSum = 0;
      for (int s = 0; s < steps; s++) {
        for (Parameter p : params) {
          TensorMessage msg = take(link);
          expect(msg, "param/" + p.name(), p.value().shape());
          try (Tensor t = msg.tensor()) {
            t.copyTo(p.value());
            p.markChanged();
          }
        }
        if (!data.hasNext()) {
          data.reset();
        }
        double loss;
        try (Batch b = data.next()) {
          runtime.forwardPartition(inputs(b), 0);
          loss = runtime.backwardPartition(Map.of());
        }
        for (Parameter p : params) {
          Tensor g = Tensor.zeros(p.grad().shape());
          p.grad().copyTo(g);
          link.send(new TensorMessage("grad/" + p.name(), g));
          g.close();
        }
        try (Tensor l = Tensor.of(new float[] {(float) loss}, 1)) {
          link.send(new TensorMessage("loss", l));
        }
        runtime.discardAccumulated();
        lossSum += loss;
      }
      data.close();
      System.out.printf(Locale.ROOT, "[worker %d, pid %d] pushed %d gradients, mean loss %.4f%n",
          k, pid, steps, lossSum / steps);
    }
  }
}
