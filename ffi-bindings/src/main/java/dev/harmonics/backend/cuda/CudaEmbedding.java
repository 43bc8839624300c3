package dev.harmonics.backend.cuda;

import static dev.harmonics.backend.cuda.KernelModule.EMBEDDING;

import dev.harmonics.kernel.EmbeddingKernels;
import dev.harmonics.tensor.Tensor;
import java.util.Arrays;

/**
 * Embedding lookup and backward on a CUDA device ({@code embedding.cu}). The backward pass sorts
 * the positions by table row on the host (indices are small) so the device sums each row's
 * gradients in position order without atomics: deterministic, like the CPU backends.
 */
final class CudaEmbedding extends EmbeddingKernels {

  private final CallFactory calls;

  CudaEmbedding(CallFactory calls) {
    this.calls = calls;
  }

  @Override
  protected void lookupImpl(Tensor table, Tensor indices, Tensor out) {
    int width = table.dim(1);
    try (DeviceCall call = calls.open()) {
      long t = call.in(table);
      long i = call.in(indices);
      long o = call.out(out);
      call.launch(EMBEDDING, "hx_embedding_lookup", (long) indices.size() * width, t, i, o,
          (long) indices.size(), width);
    }
  }

  @Override
  protected void backwardImpl(Tensor indices, Tensor dout, Tensor dtable) {
    int width = dtable.dim(1);
    int n = indices.size();
    try (DeviceCall call = calls.open()) {
      // Pinned indices may be newer on the device than on the host.
      int[] index = call.isPinned(indices) ? call.readInts(call.in(indices), n)
          : indices.toIntArray();
      long[] byRow = new long[n];
      for (int p = 0; p < n; p++) {
        byRow[p] = (long) index[p] << 32 | p;
      }
      Arrays.sort(byRow);
      int[] order = new int[n];
      int[] starts = new int[n + 1];
      int[] rows = new int[n];
      int segments = 0;
      for (int k = 0; k < n; k++) {
        int row = (int) (byRow[k] >>> 32);
        order[k] = (int) byRow[k];
        if (k == 0 || row != rows[segments - 1]) {
          rows[segments] = row;
          starts[segments++] = k;
        }
      }
      starts[segments] = n;
      long g = call.in(dout);
      long dt = call.inOut(dtable);
      call.launch(EMBEDDING, "hx_embedding_backward", (long) segments * width, call.upload(order),
          call.upload(Arrays.copyOf(starts, segments + 1)), call.upload(Arrays.copyOf(rows,
              segments)), g, dt, segments, width);
    }
  }
}
