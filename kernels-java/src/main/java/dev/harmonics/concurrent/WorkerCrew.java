package dev.harmonics.concurrent;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The pool threads of a {@link KernelPool} and the hand-off of one parallel loop to them.
 *
 * <p>Kernels are called back to back (the layers of a forward pass, a benchmark's loop), so an idle
 * worker first spins for {@code spinNanos} watching its slot before it parks: a parked thread takes
 * tens of microseconds to wake, which is the whole run time of a small GEMM. The spin yields the
 * core every few microseconds: when other processes hold the other cores, a pure spin kept the
 * thread it waited for off the core it needed (a two-chunk loop of 4 µs chunks took 210 µs
 * instead of 13 with parking at once). One loop runs at a time; a caller that finds the crew busy
 * gets {@code false} from {@link #tryRun} and runs its loop itself.
 */
final class WorkerCrew {

  private static final int SPINS_PER_CLOCK_READ = 64;

  private final Worker[] workers;
  private final long spinNanos;
  private final AtomicBoolean busy = new AtomicBoolean();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final BooleanSupplier workersDone = () -> pending.get() == 0;
  private volatile Thread waitingCaller;
  private volatile boolean closed;
  private KernelPool.RangeBody body;
  private int count;
  private int chunks;

  WorkerCrew(int threads, long spinNanos) {
    this.spinNanos = spinNanos;
    this.workers = new Worker[threads];
    for (int i = 0; i < threads; i++) {
      workers[i] = new Worker(i + 1);
      Thread thread = Thread.ofPlatform().daemon().name("harmonics-kernel-" + (i + 1))
          .unstarted(workers[i]);
      workers[i].thread = thread;
      thread.start();
    }
  }

  /**
   * Runs {@code body} over {@code [0, count)} in {@code chunks} contiguous chunks (at most one per
   * worker plus the caller's, which takes the first), or returns {@code false} at once, having run
   * nothing, when another loop holds the crew (which includes a loop started from inside one of
   * its own chunks) or the crew is shut down. The first exception of any chunk is rethrown here
   * once every chunk has finished, so no worker still touches the caller's memory.
   */
  boolean tryRun(int count, int chunks, KernelPool.RangeBody body) {
    if (!busy.compareAndSet(false, true)) {
      return false;
    }
    if (closed) {
      release();
      return false;
    }
    try {
      this.body = body;
      this.count = count;
      this.chunks = chunks;
      failure.set(null);
      pending.set(chunks - 1);
      for (int c = 1; c < chunks; c++) {
        workers[c - 1].hand();
      }
      runChunk(0);
      awaitWorkers();
      Throwable thrown = failure.getAndSet(null);
      if (thrown instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (thrown instanceof Error error) {
        throw error;
      }
      return true;
    } finally {
      this.body = null;
      release();
    }
  }

  /**
   * Stops the workers, at once or, when a loop is in flight, as that loop ends (without waiting
   * for it, so a loop's own body may call this); later loops run on their caller.
   */
  void shutdown() {
    closed = true;
    if (busy.compareAndSet(false, true)) {
      stopWorkers();
    }
  }

  /** Frees the crew for the next loop, or keeps it held for good and stops it once closed. */
  private void release() {
    busy.set(false);
    if (closed && busy.compareAndSet(false, true)) {
      stopWorkers();
    }
  }

  private void stopWorkers() {
    for (Worker worker : workers) {
      worker.stop();
    }
  }

  private void runChunk(int chunk) {
    int from = (int) ((long) count * chunk / chunks);
    int to = (int) ((long) count * (chunk + 1) / chunks);
    try {
      body.run(from, to);
    } catch (Throwable thrown) {
      failure.compareAndSet(null, thrown);
    }
  }

  private void finishChunk() {
    if (pending.decrementAndGet() == 0) {
      Thread caller = waitingCaller;
      if (caller != null) {
        LockSupport.unpark(caller);
      }
    }
  }

  private void awaitWorkers() {
    if (spinUntil(workersDone)) {
      return;
    }
    waitingCaller = Thread.currentThread();
    while (pending.get() != 0) {
      LockSupport.park(this);
    }
    waitingCaller = null;
  }

  /**
   * Spins for up to {@code spinNanos} until {@code condition} holds, yielding between clock reads;
   * whether it did.
   */
  private boolean spinUntil(BooleanSupplier condition) {
    long deadline = System.nanoTime() + spinNanos;
    while (true) {
      for (int i = 0; i < SPINS_PER_CLOCK_READ; i++) {
        if (condition.getAsBoolean()) {
          return true;
        }
        Thread.onSpinWait();
      }
      if (System.nanoTime() - deadline >= 0) {
        return condition.getAsBoolean();
      }
      Thread.yield();
    }
  }

  /** One pool thread: waits for a loop in its slot, runs its chunk, reports it done. */
  private final class Worker implements Runnable {

    private final int chunk;
    private volatile boolean assigned;
    private volatile boolean parked;
    private volatile boolean stopped;
    private final BooleanSupplier wakeful = () -> assigned || stopped;
    private Thread thread;

    Worker(int chunk) {
      this.chunk = chunk;
    }

    void hand() {
      assigned = true;
      if (parked) {
        LockSupport.unpark(thread);
      }
    }

    void stop() {
      stopped = true;
      LockSupport.unpark(thread);
    }

    @Override
    public void run() {
      while (awaitLoop()) {
        assigned = false;
        runChunk(chunk);
        finishChunk();
      }
    }

    /** Spins, then parks, until a loop arrives ({@code true}) or the crew stops. */
    private boolean awaitLoop() {
      if (spinUntil(wakeful)) {
        return assigned;
      }
      while (true) {
        parked = true;
        if (assigned) {
          parked = false;
          return true;
        }
        if (stopped) {
          return false;
        }
        LockSupport.park(this);
        parked = false;
      }
    }
  }
}
