package dev.harmonics.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactSumTest {

  private static List<float[]> terms(int count, int length, long seed) {
    Random random = new Random(seed);
    List<float[]> terms = new ArrayList<>();
    for (int t = 0; t < count; t++) {
      float[] v = new float[length];
      for (int i = 0; i < length; i++) {
        v[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(7) - 5));
      }
      terms.add(v);
    }
    return terms;
  }

  private static float[] sum(List<float[]> terms, int exponent) {
    ExactSum left = new ExactSum(terms.getFirst().length, exponent);
    ExactSum right = new ExactSum(terms.getFirst().length, exponent);
    for (int t = 0; t < terms.size(); t++) {
      (t % 2 == 0 ? left : right).add(terms.get(t));
    }
    return left.merge(right).dividedBy(terms.size());
  }

  @Test
  void theSumDoesNotDependOnTheOrderOfItsTerms() {
    List<float[]> terms = terms(16, 500, 1);
    int exponent = terms.stream().mapToInt(ExactSum::largestExponent).max().orElseThrow();
    float[] reference = sum(terms, exponent);
    for (long shuffle = 0; shuffle < 20; shuffle++) {
      List<float[]> shuffled = new ArrayList<>(terms);
      Collections.shuffle(shuffled, new Random(shuffle));
      assertArrayEquals(reference, sum(shuffled, exponent));
    }
  }

  @Test
  void theMeanIsAccurateToFloatPrecision() {
    List<float[]> terms = terms(8, 300, 2);
    int exponent = terms.stream().mapToInt(ExactSum::largestExponent).max().orElseThrow();
    float[] mean = sum(terms, exponent);
    for (int i = 0; i < mean.length; i++) {
      double exact = 0;
      for (float[] t : terms) {
        exact += t[i];
      }
      exact /= terms.size();
      assertEquals(exact, mean[i], Math.ulp((float) exact) + Math.scalb(1.0, exponent - 50));
    }
  }

  @Test
  void nonFiniteValuesAreRefused() {
    ArithmeticException e = assertThrows(ArithmeticException.class,
        () -> ExactSum.largestExponent(new float[] {1, Float.NaN}));
    assertEquals("cannot sum a non-finite value: NaN", e.getMessage());
  }
}
