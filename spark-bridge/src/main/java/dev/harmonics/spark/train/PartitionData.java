package dev.harmonics.spark.train;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * One partition's samples packed for training: features row-major {@code [samples, width]} and
 * class indices. Spark caches it, so each round reads arrays instead of rows.
 */
record PartitionData(int partition, float[] features, int[] labels, int width)
    implements Serializable {

  int samples() {
    return labels.length;
  }

  /**
   * Packs rows of (features array, label) as {@code select(featuresColumn, labelColumn)} gives
   * them; every features array must have {@code width} numbers.
   */
  static PartitionData pack(int partition, Iterator<Row> rows, int width) {
    FloatArrayBuilder features = new FloatArrayBuilder();
    IntArrayBuilder labels = new IntArrayBuilder();
    long row = 0;
    while (rows.hasNext()) {
      Row r = rows.next();
      if (r.isNullAt(0) || r.isNullAt(1)) {
        throw new IllegalArgumentException("partition " + partition + ", row " + row
            + ": null features or label (expected: both present)");
      }
      List<Object> values = r.getList(0);
      if (values.size() != width) {
        throw new IllegalArgumentException("partition " + partition + ", row " + row
            + ": features has " + values.size() + " numbers (expected: " + width
            + ", the size of the model's input)");
      }
      for (Object v : values) {
        features.add(((Number) v).floatValue());
      }
      double label = ((Number) r.get(1)).doubleValue();
      if (label != Math.rint(label) || label < 0) {
        throw new IllegalArgumentException("partition " + partition + ", row " + row
            + ": label " + label + " (expected: a class index, a whole number >= 0)");
      }
      labels.add((int) label);
      row++;
    }
    return new PartitionData(partition, features.toArray(), labels.toArray(), width);
  }

  /** A growable float array; avoids boxing a list of millions of floats. */
  private static final class FloatArrayBuilder {
    private float[] data = new float[1024];
    private int size;

    void add(float v) {
      if (size == data.length) {
        data = java.util.Arrays.copyOf(data, size * 2);
      }
      data[size++] = v;
    }

    float[] toArray() {
      return java.util.Arrays.copyOf(data, size);
    }
  }

  private static final class IntArrayBuilder {
    private int[] data = new int[256];
    private int size;

    void add(int v) {
      if (size == data.length) {
        data = java.util.Arrays.copyOf(data, size * 2);
      }
      data[size++] = v;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(data, size);
    }
  }
}
