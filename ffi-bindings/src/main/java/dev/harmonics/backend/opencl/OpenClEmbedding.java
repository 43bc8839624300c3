package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.EmbeddingKernels;
import dev.harmonics.tensor.Tensor;
import java.util.Arrays;

/**
 * Embeddings on an OpenCL device. The backward pass must add each row's gradients in position
 * order without atomics, so the host groups positions by row (it needs only the indices: read
 * from the host tensor, or downloaded if they are pinned) and uploads that grouping; one work-item
 * per (row, column) then sums its positions in order.
 */
final class OpenClEmbedding extends EmbeddingKernels {

  private final OpenClDevice device;

  OpenClEmbedding(OpenClDevice device) {
    this.device = device;
  }

  @Override
  protected void lookupImpl(Tensor table, Tensor indices, Tensor out) {
    int width = table.dim(1);
    long n = out.size();
    device.execute(call -> call.run(call.kernel(Program.LAYOUT, "embedding_lookup"),
        new long[] {n}, null, call.in(table), call.in(indices), width, call.out(out), n));
  }

  @Override
  protected void backwardImpl(Tensor indices, Tensor dout, Tensor dtable) {
    int width = dtable.dim(1);
    int[] rowOf = hostIndices(indices);
    int n = rowOf.length;
    long[] byRow = new long[n];
    for (int p = 0; p < n; p++) {
      byRow[p] = (long) rowOf[p] << 32 | p;
    }
    Arrays.sort(byRow);
    int[] positions = new int[n];
    int[] starts = new int[n + 1];
    int[] rows = new int[n];
    int segments = 0;
    for (int k = 0; k < n; k++) {
      int row = (int) (byRow[k] >>> 32);
      if (k == 0 || row != rows[segments - 1]) {
        rows[segments] = row;
        starts[segments++] = k;
      }
      positions[k] = (int) byRow[k];
    }
    starts[segments] = n;
    int segmentCount = segments;
    try (Tensor positionsT = Tensor.ofInts(positions, n);
        Tensor startsT = Tensor.ofInts(Arrays.copyOf(starts, segments + 1), segments + 1);
        Tensor rowsT = Tensor.ofInts(Arrays.copyOf(rows, segments), segments)) {
      device.execute(call -> call.run(call.kernel(Program.LAYOUT, "embedding_backward"),
          new long[] {(long) segmentCount * width}, null, call.in(positionsT), call.in(startsT),
          call.in(rowsT), segmentCount, width, call.in(dout), call.inOut(dtable)));
    }
  }

  /** The indices as host values, downloading a pinned tensor's device copy first. */
  private int[] hostIndices(Tensor indices) {
    if (device.residency().isPinned(indices)) {
      device.residency().download(indices);
    }
    return indices.toIntArray();
  }
}
