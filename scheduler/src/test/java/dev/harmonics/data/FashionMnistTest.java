package dev.harmonics.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.data.idx.IdxDataset;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads the real data set (about 1 s: 30 MB of gzip in all). */
class FashionMnistTest {

  @Test
  void readsTheTestSplit() throws IOException {
    Assumptions.assumeTrue(FashionMnist.installed(),
        "Fashion-MNIST is not installed: apt-get install -y " + FashionMnist.PACKAGE);
    IdxDataset test = FashionMnist.load(FashionMnist.Split.TEST);
    assertEquals(10_000, test.size());
    assertEquals(new SampleSpec(new int[] {1, 28, 28}, 10), test.spec());
    int[] perClass = new int[10];
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    float[] pixels = new float[784];
    for (int i = 0; i < test.size(); i++) {
      perClass[test.label(i)]++;
      test.copyFeatures(i, pixels, 0);
      for (float p : pixels) {
        min = Math.min(min, p);
        max = Math.max(max, p);
      }
    }
    // The published test split is balanced: 1,000 images per class.
    int[] thousand = new int[10];
    java.util.Arrays.fill(thousand, 1000);
    assertArrayEquals(thousand, perClass);
    assertEquals(0f, min);
    assertEquals(1f, max);
  }

  @Test
  void readsTheTrainingSplit() throws IOException {
    Assumptions.assumeTrue(FashionMnist.installed(),
        "Fashion-MNIST is not installed: apt-get install -y " + FashionMnist.PACKAGE);
    IdxDataset train = FashionMnist.load(FashionMnist.Split.TRAIN);
    assertEquals(60_000, train.size());
    int[] perClass = new int[10];
    for (int i = 0; i < train.size(); i++) {
      perClass[train.label(i)]++;
    }
    int[] sixThousand = new int[10];
    java.util.Arrays.fill(sixThousand, 6000);
    assertArrayEquals(sixThousand, perClass);
    assertArrayEquals(new int[] {784}, train.withFeatureShape(784).spec().featureShape());
  }

  @Test
  void missingFilesNameThePackage(@TempDir Path empty) {
    assertTrue(!FashionMnist.installed(empty));
    NoSuchFileException e = assertThrows(NoSuchFileException.class,
        () -> FashionMnist.load(empty, FashionMnist.Split.TRAIN));
    assertTrue(e.getMessage().contains("apt-get install -y dataset-fashion-mnist"),
        e.getMessage());
    assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz"), e.getMessage());
  }
}
