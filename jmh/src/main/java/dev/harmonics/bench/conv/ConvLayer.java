package dev.harmonics.bench.conv;

import dev.harmonics.kernel.Conv2dParams;

/**
 * The convolution layers the benchmarks run, by name: ResNet-style layers and the two layers of a
 * small Fashion-MNIST CNN.
 */
enum ConvLayer {
  /** ResNet stage 1: 64 to 64 channels, 3x3, 56x56. */
  RESNET_64_56(64, 56, 64, 3, 1, 1),
  /** ResNet stage 2: 128 to 128 channels, 3x3, 28x28. */
  RESNET_128_28(128, 28, 128, 3, 1, 1),
  /** A ResNet down-sampling layer: 64 to 128 channels, 3x3, stride 2, 56x56 to 28x28. */
  RESNET_64_56_S2(64, 56, 128, 3, 2, 1),
  /** A ResNet-50 bottleneck expansion: 64 to 256 channels, 1x1, 56x56. */
  RESNET_1X1_64_256_56(64, 56, 256, 1, 1, 0),
  /** Fashion-MNIST CNN layer 1: 1 to 32 channels, 3x3, 28x28. */
  FASHION_1_32_28(1, 28, 32, 3, 1, 1),
  /** Fashion-MNIST CNN layer 2: 32 to 64 channels, 3x3, 14x14. */
  FASHION_32_64_14(32, 14, 64, 3, 1, 1),
  /** A depthwise 3x3 layer over 128 channels, 28x28 (MobileNet style). */
  DEPTHWISE_128_28(128, 28, 128, 3, 1, 1, 128);

  final int inChannels;
  final int size;
  final int outChannels;
  final int kernel;
  final Conv2dParams params;

  ConvLayer(int inChannels, int size, int outChannels, int kernel, int stride, int pad) {
    this(inChannels, size, outChannels, kernel, stride, pad, 1);
  }

  ConvLayer(int inChannels, int size, int outChannels, int kernel, int stride, int pad,
      int groups) {
    this.inChannels = inChannels;
    this.size = size;
    this.outChannels = outChannels;
    this.kernel = kernel;
    this.params = Conv2dParams.of(stride, pad).withGroups(groups);
  }

  int[] inputShape(int batch) {
    return new int[] {batch, inChannels, size, size};
  }

  int[] weightShape() {
    return new int[] {outChannels, inChannels / params.groups(), kernel, kernel};
  }

  int[] outputShape(int batch) {
    return new int[] {batch, outChannels, params.outputHeight(size, kernel),
        params.outputWidth(size, kernel)};
  }

  /** {@code 2 * N * O * OH * OW * (C / groups) * KH * KW}. */
  long flops(int batch) {
    int[] out = outputShape(batch);
    return 2L * batch * outChannels * out[2] * out[3] * (inChannels / params.groups()) * kernel
        * kernel;
  }
}
