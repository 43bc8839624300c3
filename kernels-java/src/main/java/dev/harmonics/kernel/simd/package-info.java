/**
 * The SIMD Java kernels ({@code jdk.incubator.vector}) behind {@link SimdProvider}: one class per
 * kernel family ({@code Simd*}), the row and element loops they share ({@code *Rows}, {@code
 * *Passes}, {@code *Loops}), and the packed GEMM ({@code Gemm*}, {@code Panel*}).
 *
 * <h2>How a loop addresses tensor storage</h2>
 *
 * <p>Most of these rules exist because of what C2 does with a loop of a few vectors. Each was
 * measured on an AVX2 core (AMD Zen 3); {@code docs/performance.md} has the figures.
 *
 * <ul>
 *   <li><b>Exact slices.</b> A row or element loop first cuts a slice of exactly its floats
 *       ({@code storage.asSlice(byteOffset, 4L * n)}) and addresses it from 0. C2 then proves the
 *       accesses in bounds once, where against the whole storage it checked every vector of a
 *       short loop: a 64-element ReLU took 33 ns over the storage and 10 ns over its slice.
 *   <li><b>Cut in the method that loops.</b> A slice passed to a callee that C2 does not inline is
 *       a heap object: 80 bytes a call when the activation kernels cut theirs one call higher.
 *   <li><b>Call {@code asSlice} directly, through no helper of ours.</b> Building a slice takes
 *       eight nested calls in the JDK, down to {@code Object.<init>}. C2 inlines at most 15
 *       levels below the method it compiles. When that method sat a few levels above a kernel
 *       (the native backend's small calls, under a benchmark's lambda), the cut fell inside that
 *       chain, the slice escaped into the call, and every slice was allocated: 40 bytes for each.
 *       That was softmax, and RMS norm or scale, in three of three runs while a helper added one
 *       level, and none in four runs without it.
 *   <li><b>One slice per row read.</b> A loop over a row while it reads the next (softmax's
 *       pipelined pass) reads each through its own slice of the row's length, at the same offsets.
 *       Read through one slice of both rows, at {@code n + i} for the next row, the loop's
 *       profiled predicates failed in about half the JVMs. C2 then recompiled it with a check on
 *       every access, at half the speed.
 *   <li><b>Masked accesses keep addressing the storage</b> at the absolute offset. AVX2 has no
 *       predicate registers, so C2 does not intrinsify a masked access past the end of its
 *       segment. On a slice every row's tail would take the Java fallback, where on the storage
 *       only the tensor's last row does, and a slice handed to that fallback is allocated.
 *   <li><b>A partial last vector read whole, where a loop holds an exponential.</b> A softmax row
 *       of {@code n > L} elements that ends in a partial vector reads its last vector whole at
 *       {@code n - L}, overlapping the one before it, instead of under a mask (in the exponential
 *       passes up to 16 vectors; {@link SoftmaxRows}). So does a cross-entropy row of more than
 *       one and at most two vectors ({@link TwoVectorCrossEntropy}). With a second inlined
 *       exponential for a masked tail the method ran out of C2's node budget, and the tail's
 *       operations ran on boxed vectors (softmax of 10 classes: 64 bytes a row). When the output
 *       may be the input, that vector is read before anything is written over it. Other kernels
 *       keep their masked tails.
 *   <li><b>Whole vectors unmasked.</b> On AMD Zen 3 a masked 256-bit store ({@code vmaskmovps})
 *       is microcoded. A loop over whole vectors stores them unmasked, and only a real tail is
 *       masked ({@link DenseBatchNorm} does so per group of channels).
 *   <li>One-line accessors ({@link OptimizerVectors#load} and the like) may take a slice, as they
 *       take vectors: they are small enough that C2 inlined them in every run (0 bytes a call).
 * </ul>
 */
package dev.harmonics.kernel.simd;
