package dev.harmonics.data;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/** Groups consecutive samples into off-heap batches; the last partial batch is kept or dropped. */
final class BatchingProducer implements Producer<Batch> {

  private final Producer<Sample> upstream;
  private final int batchSize;
  private final boolean dropLast;
  private final SampleSpec spec;
  private final int[] batchShape;
  private final List<Sample> pending;
  private boolean closed;

  BatchingProducer(Producer<Sample> upstream, int batchSize, boolean dropLast) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize: " + batchSize + " (expected > 0)");
    }
    this.upstream = upstream;
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    this.spec = upstream.spec();
    int[] shape = spec.featureShape();
    this.batchShape = new int[shape.length + 1];
    System.arraycopy(shape, 0, batchShape, 1, shape.length);
    this.pending = new ArrayList<>(batchSize);
  }

  @Override
  public SampleSpec spec() {
    return spec;
  }

  /** Fills {@link #pending} so the question "is there a batch?" is answered by samples in hand. */
  @Override
  public boolean hasNext() {
    if (closed) {
      throw new IllegalStateException("producer is closed");
    }
    while (pending.size() < batchSize && upstream.hasNext()) {
      pending.add(upstream.next());
    }
    if (dropLast && pending.size() < batchSize) {
      pending.clear();
    }
    return !pending.isEmpty();
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException("epoch " + epoch() + " has no further batch");
    }
    int n = pending.size();
    int featureSize = spec.featureSize();
    batchShape[0] = n;
    Tensor features = Tensor.allocate(DType.FLOAT32, batchShape);
    Tensor labels = spec.labeled() ? Tensor.allocate(DType.INT32, n) : null;
    MemorySegment dst = features.data();
    Batch batch = new Batch(features, labels);
    try {
      for (int i = 0; i < n; i++) {
        Sample s = pending.get(i);
        copyFeatures(s, i, featureSize, dst);
        if (labels != null) {
          labels.setIntFlat(i, s.label());
        }
      }
    } catch (RuntimeException e) {
      batch.close();
      throw e;
    } finally {
      pending.clear();
    }
    return batch;
  }

  private void copyFeatures(Sample s, int row, int featureSize, MemorySegment dst) {
    Tensor f = s.features();
    if (f.size() != featureSize || f.dtype() != DType.FLOAT32) {
      throw new DataException("sample " + row + " of a batch has features " + f.describe()
          + " (expected float32 " + spec + ")");
    }
    long bytes = (long) featureSize * Float.BYTES;
    if (f.isContiguous()) {
      MemorySegment.copy(f.storage(), f.byteOffset(), dst, row * bytes, bytes);
    } else {
      for (int k = 0; k < featureSize; k++) {
        dst.setAtIndex(ValueLayout.JAVA_FLOAT, (long) row * featureSize + k, f.getFlat(k));
      }
    }
  }

  @Override
  public void reset() {
    pending.clear();
    upstream.reset();
  }

  @Override
  public int epoch() {
    return upstream.epoch();
  }

  @Override
  public long size() {
    long n = upstream.size();
    if (n < 0) {
      return -1;
    }
    return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
  }

  @Override
  public void close() {
    closed = true;
    pending.clear();
    upstream.close();
  }
}
