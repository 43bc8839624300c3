package dev.harmonics.bench.activation;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * How fast this JDK's lanewise transcendental operators are ({@code VectorOperators.EXP},
 * {@code TANH}, {@code LOG1P}), against a scalar {@code Math} loop and a plain FMA-polynomial loop
 * of about the cost of a hand-written approximation. This decided whether {@code
 * SimdActivationMath} uses the JDK operators or its own polynomials: the operators are intrinsified
 * only on some platforms and fall back to a per-lane scalar call elsewhere.
 */
@State(Scope.Benchmark)
public class VectorMathBenchmark extends KernelBenchmark {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  @Param({"4096"})
  int size;

  float[] in;
  float[] out;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom random = new SplittableRandom(42);
    in = new float[size];
    out = new float[size];
    for (int i = 0; i < size; i++) {
      in[i] = (float) (random.nextDouble() * 20 - 10);
    }
  }

  @Benchmark
  public float[] scalarExp(Work work) {
    for (int i = 0; i < size; i++) {
      out[i] = (float) Math.exp(in[i]);
    }
    work.bytes += 8L * size;
    return out;
  }

  @Benchmark
  public float[] scalarTanh(Work work) {
    for (int i = 0; i < size; i++) {
      out[i] = (float) Math.tanh(in[i]);
    }
    work.bytes += 8L * size;
    return out;
  }

  @Benchmark
  public float[] vectorExp(Work work) {
    return lanewise(VectorOperators.EXP, work);
  }

  @Benchmark
  public float[] vectorTanh(Work work) {
    return lanewise(VectorOperators.TANH, work);
  }

  @Benchmark
  public float[] vectorLog1p(Work work) {
    return lanewise(VectorOperators.LOG1P, work);
  }

  /** A degree-9 polynomial by Horner's rule: nine FMAs, about the cost of a hand-written exp. */
  @Benchmark
  public float[] vectorPolynomial(Work work) {
    FloatVector c0 = FloatVector.broadcast(S, 1.0f);
    FloatVector c1 = FloatVector.broadcast(S, 0.5f);
    FloatVector c2 = FloatVector.broadcast(S, 0.25f);
    FloatVector c3 = FloatVector.broadcast(S, 0.125f);
    for (int i = 0; i < size; i += S.length()) {
      FloatVector x = FloatVector.fromArray(S, in, i);
      FloatVector p = x.fma(c3, c2).fma(x, c1).fma(x, c0).fma(x, c3).fma(x, c2).fma(x, c1)
          .fma(x, c0).fma(x, c3).fma(x, c2);
      p.intoArray(out, i);
    }
    work.bytes += 8L * size;
    return out;
  }

  private float[] lanewise(VectorOperators.Unary op, Work work) {
    for (int i = 0; i < size; i += S.length()) {
      FloatVector.fromArray(S, in, i).lanewise(op).intoArray(out, i);
    }
    work.bytes += 8L * size;
    return out;
  }
}
