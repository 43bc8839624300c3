package dev.harmonics.bench.data;

import dev.harmonics.data.FashionMnist;

/** The installed Fashion-MNIST files, or a failure that says which package installs them. */
final class FashionMnistFiles {

  private FashionMnistFiles() {}

  static void require() {
    if (!FashionMnist.installed()) {
      throw new IllegalStateException("the data benchmarks read Fashion-MNIST: install it with "
          + "`apt-get install -y " + FashionMnist.PACKAGE + "`");
    }
  }
}
