package dev.harmonics.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * An n-dimensional array of {@link DType} elements over a {@link MemorySegment}.
 *
 * <p>Storage is off-heap by default ({@link #allocate}) so native kernels (FFM, OpenCL, CUDA
 * uploads) read it without a copy; {@link #wrap(float[], int...)} gives a heap-backed tensor for
 * data that already lives in an array. The trade-off and the JMH figures behind it are in
 * {@code docs/tensors.md}.
 *
 * <p>Lifetime is explicit: a tensor created by {@link #allocate(DType, int...)} owns a shared arena
 * and frees it on {@link #close()}; one created in a caller's arena ({@link #allocate(Arena, DType,
 * int...)}) is freed when that arena closes. Views ({@link #reshape}, {@link #slice}, {@link
 * #transpose}, {@link #permute}) share the storage and never free it; touching a view after its
 * storage was freed throws {@link IllegalStateException} instead of reading freed memory.
 *
 * <p>Shapes and strides count elements, not bytes, in row-major order. Element counts are limited
 * to {@link Integer#MAX_VALUE}; shape arithmetic uses exact maths and fails loudly on overflow.
 */
public final class Tensor implements AutoCloseable {

  private final DType dtype;
  private final int[] shape;
  private final long[] strides;
  private final long offset;
  private final MemorySegment storage;
  private final Arena owner;
  // Derived once from the final fields above: kernels ask for these on every call, and a call on a
  // small tensor is short enough that walking the shape each time showed in its cost.
  private final int size;
  private final boolean contiguous;
  /** The heap array under the storage, or null for native memory (one address space). */
  private final Object heapArray;
  /** Addresses of the lowest byte any element occupies and one past the highest. */
  private final long spanStart;
  private final long spanEnd;
  private boolean closed;

  private Tensor(
      DType dtype, int[] shape, long[] strides, long offset, MemorySegment storage, Arena owner) {
    this.dtype = dtype;
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    this.storage = storage;
    this.owner = owner;
    this.size = elementCount(shape);
    this.contiguous = rowMajor(shape, strides);
    long first = offset;
    long last = offset;
    for (int d = 0; d < shape.length; d++) {
      first += Math.min(0L, (shape[d] - 1) * strides[d]);
      last += Math.max(0L, (shape[d] - 1) * strides[d]);
    }
    this.heapArray = storage.isNative() ? null : storage.heapBase().orElse(storage);
    this.spanStart = storage.address() + first * dtype.byteSize();
    this.spanEnd = storage.address() + (last + 1) * dtype.byteSize();
  }

  /** A zero-filled off-heap tensor that owns its memory until {@link #close()}. */
  public static Tensor allocate(DType dtype, int... shape) {
    Objects.requireNonNull(dtype, "dtype");
    int[] dims = checkShape(shape);
    Arena arena = Arena.ofShared();
    try {
      MemorySegment segment = arena.allocate(byteSize(dtype, dims), 64);
      return new Tensor(dtype, dims, rowMajorStrides(dims), 0, segment, arena);
    } catch (RuntimeException | Error e) {
      arena.close();
      throw e;
    }
  }

  /**
   * An off-heap tensor like {@link #allocate(DType, int...)} but <b>not zero-filled</b>: its
   * elements hold whatever the memory held before. Only for a caller that overwrites every byte
   * before anything reads one (a tensor received from the network, for one); it saves a full pass
   * over the memory. Anything else should use {@link #allocate(DType, int...)}.
   */
  public static Tensor allocateUninitialized(DType dtype, int... shape) {
    Objects.requireNonNull(dtype, "dtype");
    int[] dims = checkShape(shape);
    Arena arena = Arena.ofShared();
    try {
      MemorySegment segment = UninitializedMemory.allocate(arena, byteSize(dtype, dims), 64);
      return new Tensor(dtype, dims, rowMajorStrides(dims), 0, segment, arena);
    } catch (RuntimeException | Error e) {
      arena.close();
      throw e;
    }
  }

  /** A zero-filled off-heap tensor whose memory lives as long as {@code arena}. */
  public static Tensor allocate(Arena arena, DType dtype, int... shape) {
    Objects.requireNonNull(arena, "arena");
    Objects.requireNonNull(dtype, "dtype");
    int[] dims = checkShape(shape);
    MemorySegment segment = arena.allocate(byteSize(dtype, dims), 64);
    return new Tensor(dtype, dims, rowMajorStrides(dims), 0, segment, null);
  }

  /** A float32 off-heap zero tensor; shorthand for {@code allocate(DType.FLOAT32, shape)}. */
  public static Tensor zeros(int... shape) {
    return allocate(DType.FLOAT32, shape);
  }

  /** An off-heap float32 tensor holding a copy of {@code values}. */
  public static Tensor of(float[] values, int... shape) {
    Tensor t = allocate(DType.FLOAT32, shape);
    checkLength(values.length, t.size());
    MemorySegment.copy(values, 0, t.storage, ValueLayout.JAVA_FLOAT, 0, values.length);
    return t;
  }

  /** An off-heap int8 tensor holding a copy of {@code values}. */
  public static Tensor ofBytes(byte[] values, int... shape) {
    Tensor t = allocate(DType.INT8, shape);
    checkLength(values.length, t.size());
    MemorySegment.copy(values, 0, t.storage, ValueLayout.JAVA_BYTE, 0, values.length);
    return t;
  }

  /** An off-heap int32 tensor holding a copy of {@code values}. */
  public static Tensor ofInts(int[] values, int... shape) {
    Tensor t = allocate(DType.INT32, shape);
    checkLength(values.length, t.size());
    MemorySegment.copy(values, 0, t.storage, ValueLayout.JAVA_INT, 0, values.length);
    return t;
  }

  /** A heap tensor that reads and writes {@code values} in place (no copy, nothing to free). */
  public static Tensor wrap(float[] values, int... shape) {
    int[] dims = checkShape(shape);
    checkLength(values.length, elementCount(dims));
    return new Tensor(
        DType.FLOAT32, dims, rowMajorStrides(dims), 0, MemorySegment.ofArray(values), null);
  }

  public DType dtype() {
    return dtype;
  }

  public int rank() {
    return shape.length;
  }

  public int[] shape() {
    return shape.clone();
  }

  /** Size of dimension {@code dim}; negative values count from the end. */
  public int dim(int dim) {
    return shape[axis(dim)];
  }

  /** Strides in elements. */
  public long[] strides() {
    return strides.clone();
  }

  /** Number of elements. */
  public int size() {
    return size;
  }

  /** Offset of the first element from the start of the storage, in elements. */
  public long offset() {
    return offset;
  }

  /** Offset of the first element from the start of {@link #storage()}, in bytes. */
  public long byteOffset() {
    return offset * dtype.byteSize();
  }

  /** The whole underlying storage, shared with every view of it. */
  public MemorySegment storage() {
    checkOpen();
    return storage;
  }

  /** True when the storage is off-heap, so native code can be handed {@link #data()} directly. */
  public boolean isNative() {
    return storage.isNative();
  }

  /** True when elements are laid out densely in row-major order. */
  public boolean isContiguous() {
    return contiguous;
  }

  private static boolean rowMajor(int[] shape, long[] strides) {
    long expected = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      if (shape[d] != 1 && strides[d] != expected) {
        return false;
      }
      expected *= shape[d];
    }
    return true;
  }

  /** The bytes of a contiguous tensor, exactly {@code size() * dtype().byteSize()} long. */
  public MemorySegment data() {
    requireContiguous("data()");
    checkOpen();
    return storage.asSlice(byteOffset(), (long) size() * dtype.byteSize());
  }

  public boolean sameShape(Tensor other) {
    return Arrays.equals(shape, other.shape);
  }

  /** Whether the shape is exactly {@code expected}; unlike {@code shape()} it copies nothing. */
  public boolean hasShape(int... expected) {
    return Arrays.equals(shape, expected);
  }

  /**
   * Whether the shape is exactly {@code [d0]}: the same test without a varargs array, for the
   * argument checks of small calls.
   */
  public boolean hasShape(int d0) {
    return shape.length == 1 && shape[0] == d0;
  }

  /** Whether the shape is exactly {@code [d0, d1]}, as {@link #hasShape(int)}. */
  public boolean hasShape(int d0, int d1) {
    return shape.length == 2 && shape[0] == d0 && shape[1] == d1;
  }

  /**
   * True when the memory spans of the two tensors (from their lowest to their highest element)
   * share a byte. Conservative for strided views: interleaved views that touch no common element
   * still count as overlapping. Kernels use it to refuse outputs that alias their inputs.
   */
  public boolean overlaps(Tensor other) {
    if (size() == 0 || other.size() == 0 || !sameMemory(other)) {
      return false;
    }
    return spanStart < other.spanEnd && other.spanStart < spanEnd;
  }

  /** True when both tensors are contiguous and cover exactly the same bytes (an in-place update). */
  public boolean sameElements(Tensor other) {
    return isContiguous() && other.isContiguous() && sameMemory(other)
        && spanStart == other.spanStart && spanEnd == other.spanEnd;
  }

  /** Whether both storages lie in one address space: native memory, or the same heap array. */
  private boolean sameMemory(Tensor other) {
    return heapArray == other.heapArray;
  }

  /**
   * The same elements with another shape; one dimension may be {@code -1} and is inferred. Needs a
   * contiguous tensor: call {@link #contiguous()} first on a transposed or sliced view.
   */
  public Tensor reshape(int... newShape) {
    requireContiguous("reshape");
    int[] dims = inferShape(newShape, size());
    return new Tensor(dtype, dims, rowMajorStrides(dims), offset, storage, null);
  }

  /** Collapses dimensions {@code fromDim..rank-1} into one, as a view. */
  public Tensor flatten(int fromDim) {
    int from = axis(fromDim);
    int[] dims = new int[from + 1];
    System.arraycopy(shape, 0, dims, 0, from);
    int tail = 1;
    for (int d = from; d < shape.length; d++) {
      tail = Math.multiplyExact(tail, shape[d]);
    }
    dims[from] = tail;
    return reshape(dims);
  }

  /** Elements {@code from} (inclusive) to {@code to} (exclusive) along {@code dim}, as a view. */
  public Tensor slice(int dim, int from, int to) {
    int d = axis(dim);
    if (from < 0 || to > shape[d] || from > to) {
      throw new IndexOutOfBoundsException(
          "slice [" + from + ", " + to + ") of dimension " + d + " (expected: 0 <= from <= to <= "
              + shape[d] + ")");
    }
    int[] dims = shape.clone();
    dims[d] = to - from;
    return new Tensor(dtype, dims, strides.clone(), offset + from * strides[d], storage, null);
  }

  /** Swaps two dimensions, as a view. */
  public Tensor transpose(int dim0, int dim1) {
    int[] order = new int[shape.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    int a = axis(dim0);
    int b = axis(dim1);
    order[a] = b;
    order[b] = a;
    return permute(order);
  }

  /** Reorders dimensions: new dimension {@code i} is old dimension {@code order[i]}; a view. */
  public Tensor permute(int... order) {
    if (order.length != shape.length) {
      throw new IllegalArgumentException(
          "permute order has " + order.length + " entries (expected: " + shape.length + ")");
    }
    boolean[] seen = new boolean[shape.length];
    int[] dims = new int[shape.length];
    long[] newStrides = new long[shape.length];
    for (int i = 0; i < order.length; i++) {
      int src = axis(order[i]);
      if (seen[src]) {
        throw new IllegalArgumentException(
            "permute order " + Arrays.toString(order) + " repeats dimension " + src);
      }
      seen[src] = true;
      dims[i] = shape[src];
      newStrides[i] = strides[src];
    }
    return new Tensor(dtype, dims, newStrides, offset, storage, null);
  }

  /** This tensor when contiguous, else a new contiguous off-heap copy the caller must close. */
  public Tensor contiguous() {
    if (isContiguous()) {
      return this;
    }
    Tensor copy = allocate(dtype, shape);
    copyElementsTo(copy);
    return copy;
  }

  /** Copies elements, in logical row-major order, into {@code dst} of the same shape and dtype. */
  public void copyTo(Tensor dst) {
    if (dst.dtype != dtype || !sameShape(dst)) {
      throw new IllegalArgumentException(
          "copyTo " + dst.describe() + " from " + describe() + " (expected: same dtype and shape)");
    }
    copyElementsTo(dst);
  }

  private void copyElementsTo(Tensor dst) {
    checkOpen();
    dst.checkOpen();
    if (isContiguous() && dst.isContiguous()) {
      MemorySegment.copy(storage, byteOffset(), dst.storage, dst.byteOffset(),
          (long) size() * dtype.byteSize());
      return;
    }
    int n = size();
    long esize = dtype.byteSize();
    for (int i = 0; i < n; i++) {
      MemorySegment.copy(
          storage, elementOffset(i) * esize, dst.storage, dst.elementOffset(i) * esize, esize);
    }
  }

  /** Storage offset, in elements, of the element at row-major position {@code index}. */
  public long elementOffset(long index) {
    long pos = offset;
    long rest = index;
    for (int d = shape.length - 1; d >= 0; d--) {
      long coordinate = rest % shape[d];
      rest /= shape[d];
      pos += coordinate * strides[d];
    }
    return pos;
  }

  private long offsetOf(int[] index) {
    if (index.length != shape.length) {
      throw new IllegalArgumentException(
          "index has " + index.length + " coordinates (expected: " + shape.length + ")");
    }
    long pos = offset;
    for (int d = 0; d < index.length; d++) {
      if (index[d] < 0 || index[d] >= shape[d]) {
        throw new IndexOutOfBoundsException(
            "index " + Arrays.toString(index) + " outside shape " + Arrays.toString(shape));
      }
      pos += index[d] * strides[d];
    }
    return pos;
  }

  /** The float at the given coordinates. */
  public float get(int... index) {
    requireType(DType.FLOAT32);
    return storage().getAtIndex(ValueLayout.JAVA_FLOAT, offsetOf(index));
  }

  public void set(float value, int... index) {
    requireType(DType.FLOAT32);
    storage().setAtIndex(ValueLayout.JAVA_FLOAT, offsetOf(index), value);
  }

  /** The float at row-major position {@code index}, for any layout. */
  public float getFlat(long index) {
    requireType(DType.FLOAT32);
    return storage().getAtIndex(ValueLayout.JAVA_FLOAT, elementOffset(index));
  }

  public void setFlat(long index, float value) {
    requireType(DType.FLOAT32);
    storage().setAtIndex(ValueLayout.JAVA_FLOAT, elementOffset(index), value);
  }

  public int getIntFlat(long index) {
    requireType(DType.INT32);
    return storage().getAtIndex(ValueLayout.JAVA_INT, elementOffset(index));
  }

  public void setIntFlat(long index, int value) {
    requireType(DType.INT32);
    storage().setAtIndex(ValueLayout.JAVA_INT, elementOffset(index), value);
  }

  public byte getByteFlat(long index) {
    requireType(DType.INT8);
    return storage().get(ValueLayout.JAVA_BYTE, elementOffset(index));
  }

  public void setByteFlat(long index, byte value) {
    requireType(DType.INT8);
    storage().set(ValueLayout.JAVA_BYTE, elementOffset(index), value);
  }

  /** Sets every element to {@code value}. */
  public Tensor fill(float value) {
    requireType(DType.FLOAT32);
    if (isContiguous()) {
      MemorySegment d = data();
      for (long i = 0, n = size(); i < n; i++) {
        d.setAtIndex(ValueLayout.JAVA_FLOAT, i, value);
      }
    } else {
      for (long i = 0, n = size(); i < n; i++) {
        setFlat(i, value);
      }
    }
    return this;
  }

  /** Copies {@code values} into this tensor in row-major order. */
  public Tensor copyFrom(float[] values) {
    requireType(DType.FLOAT32);
    checkLength(values.length, size());
    if (isContiguous()) {
      MemorySegment.copy(values, 0, storage(), ValueLayout.JAVA_FLOAT, byteOffset(), values.length);
    } else {
      for (int i = 0; i < values.length; i++) {
        setFlat(i, values[i]);
      }
    }
    return this;
  }

  /** The elements in row-major order, as a new array. */
  public float[] toFloatArray() {
    requireType(DType.FLOAT32);
    if (isContiguous()) {
      return data().toArray(ValueLayout.JAVA_FLOAT);
    }
    float[] out = new float[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = getFlat(i);
    }
    return out;
  }

  public int[] toIntArray() {
    requireType(DType.INT32);
    if (isContiguous()) {
      return data().toArray(ValueLayout.JAVA_INT);
    }
    int[] out = new int[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = getIntFlat(i);
    }
    return out;
  }

  public byte[] toByteArray() {
    requireType(DType.INT8);
    if (isContiguous()) {
      return data().toArray(ValueLayout.JAVA_BYTE);
    }
    byte[] out = new byte[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = getByteFlat(i);
    }
    return out;
  }

  /** "float32[2, 3]" style summary for error messages. */
  public String describe() {
    return dtype.name().toLowerCase(java.util.Locale.ROOT) + Arrays.toString(shape)
        + (isContiguous() ? "" : " (strided view)");
  }

  @Override
  public String toString() {
    return "Tensor " + describe();
  }

  /** Frees the memory this tensor owns; a no-op for views, heap tensors and arena-owned tensors. */
  @Override
  public void close() {
    if (owner != null && !closed) {
      closed = true;
      owner.close();
    }
  }

  /** Normalises a possibly negative dimension index. */
  public int axis(int dim) {
    int d = dim < 0 ? dim + shape.length : dim;
    if (d < 0 || d >= shape.length) {
      throw new IndexOutOfBoundsException(
          "dimension " + dim + " of a rank-" + shape.length + " tensor (expected: -" + shape.length
              + " <= dim < " + shape.length + ")");
    }
    return d;
  }

  private void checkOpen() {
    if (!storage.scope().isAlive()) {
      throw new IllegalStateException("tensor " + describe() + " used after its memory was freed");
    }
  }

  private void requireType(DType expected) {
    if (dtype != expected) {
      throw new IllegalArgumentException(
          "tensor is " + dtype + " (expected: " + expected + ")");
    }
  }

  private void requireContiguous(String operation) {
    if (!isContiguous()) {
      throw new IllegalStateException(
          operation + " needs a contiguous tensor but got " + describe()
              + "; call contiguous() first");
    }
  }

  private static int[] checkShape(int[] shape) {
    Objects.requireNonNull(shape, "shape");
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(shape) + " has a negative dimension (expected: >= 0)");
      }
    }
    elementCount(shape);
    return shape.clone();
  }

  private static int elementCount(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  private static long byteSize(DType dtype, int[] shape) {
    return Math.max(1L, (long) elementCount(shape) * dtype.byteSize());
  }

  private static long[] rowMajorStrides(int[] shape) {
    long[] strides = new long[shape.length];
    long s = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      strides[d] = s;
      s *= shape[d];
    }
    return strides;
  }

  private static int[] inferShape(int[] requested, int size) {
    int[] dims = requested.clone();
    int inferred = -1;
    int known = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] == -1) {
        if (inferred >= 0) {
          throw new IllegalArgumentException(
              "reshape " + Arrays.toString(requested) + " has more than one -1");
        }
        inferred = i;
      } else if (dims[i] < 0) {
        throw new IllegalArgumentException(
            "reshape " + Arrays.toString(requested) + " has a negative dimension");
      } else {
        known = Math.multiplyExact(known, dims[i]);
      }
    }
    if (inferred >= 0) {
      if (known == 0 || size % known != 0) {
        throw new IllegalArgumentException(
            "cannot reshape " + size + " elements to " + Arrays.toString(requested));
      }
      dims[inferred] = size / known;
    } else if (known != size) {
      throw new IllegalArgumentException(
          "cannot reshape " + size + " elements to " + Arrays.toString(requested)
              + " (" + known + " elements)");
    }
    return dims;
  }

  private static void checkLength(int actual, int expected) {
    if (actual != expected) {
      throw new IllegalArgumentException(
          "got " + actual + " values for a tensor of " + expected + " elements");
    }
  }
}
