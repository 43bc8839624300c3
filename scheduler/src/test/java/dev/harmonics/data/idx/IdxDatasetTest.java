package dev.harmonics.data.idx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.data.MalformedDataException;
import dev.harmonics.data.Sample;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDatasetTest {

  @TempDir Path dir;

  @Test
  void pairsImagesWithLabels() throws IOException {
    double[] pixels = new double[3 * 2 * 2];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = i * 20;
    }
    Path images = IdxFiles.write(dir, "img.gz", IdxFiles.gzip(
        IdxFiles.encode(IdxType.UNSIGNED_BYTE, new int[] {3, 2, 2}, pixels)));
    Path labels = IdxFiles.write(dir, "lbl", IdxFiles.encode(
        IdxType.UNSIGNED_BYTE, new int[] {3}, new double[] {2, 0, 1}));
    IdxDataset set = IdxDataset.load(images, labels, 1f / 255f, 0);
    assertEquals(3, set.size());
    assertArrayEquals(new int[] {2, 2}, set.spec().featureShape());
    assertEquals(3, set.spec().classes());
    Sample s = set.get(1);
    assertEquals(0, s.label());
    assertArrayEquals(new float[] {80 / 255f, 100 / 255f, 120 / 255f, 140 / 255f},
        s.features().toFloatArray(), 1e-7f);
    assertArrayEquals(new int[] {1, 4}, set.withFeatureShape(1, 4).spec().featureShape());
    assertThrows(IllegalArgumentException.class, () -> set.withFeatureShape(5));
  }

  @Test
  void countMismatchIsRefused() throws IOException {
    Path images = IdxFiles.write(dir, "img", IdxFiles.encode(
        IdxType.UNSIGNED_BYTE, new int[] {3, 2}, new double[6]));
    Path labels = IdxFiles.write(dir, "lbl", IdxFiles.encode(
        IdxType.UNSIGNED_BYTE, new int[] {2}, new double[] {0, 1}));
    MalformedDataException e = assertThrows(MalformedDataException.class,
        () -> IdxDataset.load(images, labels, 1f, 0));
    assertTrue(e.getMessage().contains("has 2 labels but features"), e.getMessage());
  }

  @Test
  void labelOutOfRangeIsRefused() throws IOException {
    Path images = IdxFiles.write(dir, "img", IdxFiles.encode(
        IdxType.UNSIGNED_BYTE, new int[] {2, 2}, new double[4]));
    Path labels = IdxFiles.write(dir, "lbl", IdxFiles.encode(
        IdxType.UNSIGNED_BYTE, new int[] {2}, new double[] {0, 10}));
    MalformedDataException e = assertThrows(MalformedDataException.class,
        () -> IdxDataset.load(images, labels, 1f, 10));
    assertTrue(e.getMessage().contains("label 10 at index 1"), e.getMessage());
  }

  @Test
  void floatLabelsAreRefused() throws IOException {
    Path images = IdxFiles.write(dir, "img", IdxFiles.encode(
        IdxType.UNSIGNED_BYTE, new int[] {2, 2}, new double[4]));
    Path labels = IdxFiles.write(dir, "lbl", IdxFiles.encode(
        IdxType.FLOAT, new int[] {2}, new double[] {0, 1}));
    MalformedDataException e = assertThrows(MalformedDataException.class,
        () -> IdxDataset.load(images, labels, 1f, 0));
    assertTrue(e.getMessage().contains("integral type"), e.getMessage());
  }
}
