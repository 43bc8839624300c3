package dev.harmonics.bench.data;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.secure.Proof;
import dev.harmonics.secure.ProofChain;
import dev.harmonics.tensor.Tensor;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of secure mode per step: appending one step whose output is a float32 tensor of
 * {@code floats} elements to a proof chain (SHA-256 over the tensor's bytes). Bytes counted are
 * the tensor's bytes hashed.
 */
@State(Scope.Benchmark)
public class ProofChainBenchmark extends KernelBenchmark {

  /** 128 x 10 logits, and a 784 x 256 weight-sized tensor. */
  @Param({"1280", "200704"})
  public int floats;

  private Tensor output;
  private ProofChain chain;

  @Setup(Level.Trial)
  public void setUp() {
    float[] values = new float[floats];
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < floats; i++) {
      values[i] = (float) random.nextGaussian();
    }
    output = Tensor.of(values, floats);
  }

  /** A fresh chain per iteration so the kept history stays small. */
  @Setup(Level.Iteration)
  public void newChain() {
    chain = ProofChain.start();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    output.close();
  }

  @Benchmark
  public Proof append(Work work) {
    work.bytes += (long) floats * Float.BYTES;
    return chain.append(output);
  }
}
