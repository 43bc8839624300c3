package dev.harmonics.bench.memory;

import dev.harmonics.bench.Bursts;
import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.SgdConfig;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Memory-bound kernels against the copy bandwidth, interleaved in one JVM: each round runs every
 * kernel (and the copy) for a short burst, so all of them see the same load from other processes,
 * and the ratio to the copy is taken within the round. JMH runs one configuration after another,
 * which on a shared machine lets the load differ between the copy and the kernel it is compared
 * with; this harness is for that situation. Bytes counted as in the JMH benchmarks (read plus
 * written per call).
 *
 * <p>Arguments: {@code threads rounds burstMillis elements [kernel...]}: tensors of {@code
 * elements} floats, a multiple of 4096; softmax and layer norm see them as rows of 4096. 16777216
 * (64 MB per tensor) is the memory-bound case, 65536 (256 KB, in L2) measures the compute rate.
 * Prints per kernel the median GB/s over the rounds, the median of the per-round ratios to the
 * pooled copy, and the GB/s per CPU-second (bytes over the process's CPU time, which removes time
 * spent descheduled). {@code copy-vec} is a copy made of Vector API loads and stores: the stores
 * a Java kernel can issue, unlike the streaming stores of {@code MemorySegment.copy}. The
 * backend is SIMD unless {@code -Dharmonics.bench.backend=native-cpu} (or another id) says
 * otherwise.
 */
public final class BandwidthRounds {

  private static final String USAGE = "arguments: threads rounds burstMillis elements [kernel...]"
      + " (for example 2 7 300 16777216 relu softmax)";
  private static final int WIDTH = 4096;
  /** System property naming the backend measured ({@code simd} unless set, e.g. native-cpu). */
  private static final String BACKEND = "harmonics.bench.backend";

  /** Rounds run before measuring: C2 needs seconds of calls to compile the Vector API loops. */
  private static final int WARM_UP_ROUNDS = 5;

  private record Kernel(String name, long bytes, Runnable call) {}

  private BandwidthRounds() {}

  /** Runs the rounds; see the class comment for the arguments. */
  public static void main(String[] args) {
    if (args.length < 4) {
      throw new IllegalArgumentException(args.length + " argument(s); " + USAGE);
    }
    int threads = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    long burstNanos = Long.parseLong(args[2]) * 1_000_000L;
    int elements = Integer.parseInt(args[3]);
    int width = WIDTH;
    if (threads < 1 || rounds < 1 || burstNanos < 1 || elements < width
        || elements % width != 0) {
      throw new IllegalArgumentException(String.join(" ", args) + ": threads, rounds and burst"
          + " must be >= 1 and elements a positive multiple of " + width + "; " + USAGE);
    }
    List<String> only = Arrays.asList(args).subList(4, args.length);
    KernelPool.setParallelism(threads);
    KernelProvider k = KernelProviders.of(Backend.fromId(System.getProperty(BACKEND, "simd")));
    SplittableRandom random = new SplittableRandom(42);
    Tensor x = filled(random, -4f, 4f, elements);
    Tensor b = filled(random, -1f, 1f, elements);
    Tensor y = Tensor.zeros(elements);
    Tensor m = Tensor.zeros(elements);
    Tensor v = Tensor.zeros(elements);
    Tensor p = filled(random, -1f, 1f, elements);
    Tensor square = x.reshape(elements / width, width);
    Tensor squareOut = y.reshape(elements / width, width);
    Tensor gamma = filled(random, 0.5f, 1.5f, width);
    Tensor beta = filled(random, -1f, 1f, width);
    Tensor mean = Tensor.zeros(elements / width);
    Tensor rstd = Tensor.zeros(elements / width);
    Arena arena = Arena.ofShared();
    long bytes = 4L * elements;
    MemorySegment src = arena.allocate(bytes, 64);
    MemorySegment dst = arena.allocate(bytes, 64);
    src.fill((byte) 1);
    SgdConfig sgd = SgdConfig.ofMomentum(1e-6, 0.9);
    AdamConfig adam = AdamConfig.adam(1e-6);
    long[] step = {0};
    List<Kernel> kernels = new ArrayList<>();
    kernels.add(new Kernel("copy", 2 * bytes, () -> pooledCopy(src, dst, bytes)));
    kernels.add(new Kernel("copy-1t", 2 * bytes,
        () -> MemorySegment.copy(src, 0, dst, 0, bytes)));
    kernels.add(new Kernel("copy-vec", 2 * bytes, () -> pooledVectorCopy(src, dst, bytes)));
    kernels.add(new Kernel("relu", 2 * bytes,
        () -> k.activations().forward(Activation.RELU, 0f, x, y)));
    kernels.add(new Kernel("sigmoid", 2 * bytes,
        () -> k.activations().forward(Activation.SIGMOID, 0f, x, y)));
    kernels.add(new Kernel("tanh", 2 * bytes,
        () -> k.activations().forward(Activation.TANH, 0f, x, y)));
    kernels.add(new Kernel("gelu-tanh", 2 * bytes,
        () -> k.activations().forward(Activation.GELU_TANH, 0f, x, y)));
    kernels.add(new Kernel("add", 3 * bytes, () -> k.elementwise().add(x, b, y)));
    kernels.add(new Kernel("softmax", 2 * bytes,
        () -> k.softmax().softmax(square, -1, squareOut)));
    kernels.add(new Kernel("layernorm", 2 * bytes, () -> k.norm()
        .layerNormForward(square, gamma, beta, 1e-5f, squareOut, mean, rstd)));
    kernels.add(new Kernel("sgd", 5 * bytes, () -> k.optimizers().sgd(sgd, 1, p, b, m)));
    kernels.add(new Kernel("adam", 7 * bytes,
        () -> k.optimizers().adam(adam, ++step[0], p, b, m, v)));
    List<String> names = kernels.stream().map(Kernel::name).toList();
    for (String name : only) {
      if (!names.contains(name)) {
        throw new IllegalArgumentException("kernel " + name + " (expected one of " + names + ")");
      }
    }
    kernels.removeIf(kernel -> !only.isEmpty() && !kernel.name.equals("copy")
        && !only.contains(kernel.name));
    Map<String, double[]> wall = new LinkedHashMap<>();
    Map<String, double[]> cpu = new LinkedHashMap<>();
    Map<String, double[]> ratio = new LinkedHashMap<>();
    for (Kernel kernel : kernels) {
      wall.put(kernel.name, new double[rounds]);
      cpu.put(kernel.name, new double[rounds]);
      ratio.put(kernel.name, new double[rounds]);
    }
    for (int w = 0; w < WARM_UP_ROUNDS; w++) {
      for (Kernel kernel : kernels) {
        burst(kernel, burstNanos);
      }
    }
    for (int r = 0; r < rounds; r++) {
      for (Kernel kernel : kernels) {
        double[] rates = burst(kernel, burstNanos);
        wall.get(kernel.name)[r] = rates[0];
        cpu.get(kernel.name)[r] = rates[1];
      }
      for (Kernel kernel : kernels) {
        ratio.get(kernel.name)[r] = wall.get(kernel.name)[r] / wall.get("copy")[r];
      }
    }
    System.out.printf(Locale.ROOT, "%s: threads=%d rounds=%d burst=%s ms elements=%d%n",
        k.description(), threads, rounds, args[2], elements);
    System.out.printf(Locale.ROOT, "%-10s %10s %10s %12s%n", "kernel", "GB/s", "of copy",
        "GB/s per CPU-s");
    for (Kernel kernel : kernels) {
      System.out.printf(Locale.ROOT, "%-10s %10.2f %10.2f %12.2f%n", kernel.name,
          Bursts.median(wall.get(kernel.name)), Bursts.median(ratio.get(kernel.name)),
          Bursts.median(cpu.get(kernel.name)));
    }
    arena.close();
  }

  /** {wall GB/s, GB/s per CPU-second of the whole process} over a burst of about {@code nanos}. */
  private static double[] burst(Kernel kernel, long nanos) {
    return Bursts.rates(kernel.call, kernel.bytes, nanos, false);
  }

  private static void pooledCopy(MemorySegment src, MemorySegment dst, long bytes) {
    long block = 1L << 20;
    int blocks = Math.toIntExact((bytes + block - 1) / block);
    KernelPool.shared().parallelFor(blocks, 1, (from, to) -> {
      long start = from * block;
      long end = Math.min(bytes, to * block);
      MemorySegment.copy(src, start, dst, start, end - start);
    });
  }

  /** A copy through Vector API loads and stores: the stores a Java kernel can issue. */
  private static void pooledVectorCopy(MemorySegment src, MemorySegment dst, long bytes) {
    VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
    long step = species.vectorByteSize();
    KernelPool.shared().parallelFor(Math.toIntExact(bytes / step), 1 << 12, (from, to) -> {
      for (long at = from * step; at < to * step; at += step) {
        FloatVector.fromMemorySegment(species, src, at, ByteOrder.nativeOrder())
            .intoMemorySegment(dst, at, ByteOrder.nativeOrder());
      }
    });
  }

  private static Tensor filled(SplittableRandom random, float lo, float hi, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextDouble(lo, hi);
    }
    return Tensor.of(values, n);
  }
}
