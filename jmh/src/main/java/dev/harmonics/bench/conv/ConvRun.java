package dev.harmonics.bench.conv;

import dev.harmonics.tensor.Tensor;
import java.util.SplittableRandom;

/** Seeded benchmark data for one layer: the tensors of a forward and a backward pass. */
final class ConvTensors implements AutoCloseable {

  final Tensor x;
  final Tensor w;
  final Tensor bias;
  final Tensor y;
  final Tensor dy;
  final Tensor dx;
  final Tensor dw;
  final Tensor dbias;

  ConvTensors(ConvLayer layer, int batch, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    x = uniform(random, layer.inputShape(batch));
    w = uniform(random, layer.weightShape());
    bias = uniform(random, layer.outChannels);
    y = Tensor.zeros(layer.outputShape(batch));
    dy = uniform(random, layer.outputShape(batch));
    dx = Tensor.zeros(layer.inputShape(batch));
    dw = Tensor.zeros(layer.weightShape());
    dbias = Tensor.zeros(layer.outChannels);
  }

  private static Tensor uniform(SplittableRandom random, int... shape) {
    Tensor t = Tensor.zeros(shape);
    float[] values = new float[t.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return t.copyFrom(values);
  }

  @Override
  public void close() {
    for (Tensor t : new Tensor[] {x, w, bias, y, dy, dx, dw, dbias}) {
      t.close();
    }
  }
}
