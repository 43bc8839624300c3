package dev.harmonics.schedule;

import dev.harmonics.partition.Boundary;
import dev.harmonics.partition.Partition;
import dev.harmonics.runtime.CycleRuntime;
import dev.harmonics.runtime.StepResult;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.transport.TensorChannel;
import dev.harmonics.transport.TensorMessage;
import dev.harmonics.transport.TransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs one partition's share of a pipelined training step: the one-forward-one-backward schedule
 * over its two links (to the partition before it and the one after it).
 *
 * <p>Partition {@code k} of {@code P} runs {@code min(P - k, M)} forwards before its first
 * backward, then alternates a backward and a forward, then drains the backwards; the last
 * partition thus runs forward and backward of a micro-batch back to back while the earlier ones
 * already compute the next micro-batches. A layer keeps only the activations of its last forward
 * pass, so a backward whose micro-batch is not the last one forwarded first recomputes that
 * forward from the stored boundary input (the same pass, so the same values): the pipeline
 * trades that extra forward for holding one micro-batch's activations per layer.
 *
 * <p>Every tensor sent is a fresh copy the receiver owns; the runtime's buffers never leave it.
 */
final class PartitionWorker {

  private static final Duration POLL = Duration.ofMillis(50);

  private final Partition partition;
  private final int partitionCount;
  private final CycleRuntime runtime;
  private final TensorChannel upstream;
  private final TensorChannel downstream;
  private final String upstreamName;
  private final String downstreamName;
  private final Duration receiveTimeout;
  private final BooleanSupplier aborted;
  private final BoundaryProofs sentForward;
  private final BoundaryProofs sentBackward;
  private final BoundaryProofs receivedForward;
  private final BoundaryProofs receivedBackward;
  private final List<String> received = new ArrayList<>();
  private boolean recordReceived;

  /**
   * @param partitionCount the number of partitions in the pipeline
   * @param upstream the link to partition {@code k - 1} (null for the first partition)
   * @param downstream the link to partition {@code k + 1} (null for the last)
   * @param upstreamName how errors name the upstream link
   * @param downstreamName how errors name the downstream link
   * @param secure whether tensors travel with chained proofs that the receiver checks
   * @param aborted true once another partition failed, so this one stops waiting
   */
  PartitionWorker(Partition partition, int partitionCount, CycleRuntime runtime,
      TensorChannel upstream, TensorChannel downstream, String upstreamName,
      String downstreamName, boolean secure, Duration receiveTimeout, BooleanSupplier aborted) {
    this.partition = partition;
    this.partitionCount = partitionCount;
    this.runtime = runtime;
    this.upstream = upstream;
    this.downstream = downstream;
    this.upstreamName = upstreamName;
    this.downstreamName = downstreamName;
    this.receiveTimeout = receiveTimeout;
    this.aborted = aborted;
    this.sentForward = secure ? new BoundaryProofs(downstreamName) : null;
    this.receivedBackward = secure ? new BoundaryProofs(downstreamName) : null;
    this.receivedForward = secure ? new BoundaryProofs(upstreamName) : null;
    this.sentBackward = secure ? new BoundaryProofs(upstreamName) : null;
  }

  Partition partition() {
    return partition;
  }

  CycleRuntime runtime() {
    return runtime;
  }

  /** Keeps a copy of every received boundary message's name and shape for {@link #log}. */
  void recordReceived(boolean on) {
    recordReceived = on;
  }

  /** Names and shapes of the boundary tensors received while recording, then forgets them. */
  List<String> log() {
    List<String> out = List.copyOf(received);
    received.clear();
    return out;
  }

  /**
   * One training step over {@code data.size()} micro-batches; {@code data.get(m)} holds this
   * partition's data producers' tensors for micro-batch {@code m} (empty for a partition that
   * reads no data), owned by the caller.
   *
   * @return the partition's update, with the loss summed over the micro-batches in its
   *     {@link StepResult#loss()} (0 for partitions without loss taps)
   */
  StepResult trainStep(List<Map<String, Tensor>> data) {
    int m = data.size();
    int warmup = Math.min(partitionCount - partition.index(), m);
    Tensor[] inputs = new Tensor[m];
    double lossSum = 0;
    int forwarded = -1;
    try {
      int nextForward = 0;
      for (; nextForward < warmup; nextForward++) {
        forward(data, inputs, nextForward);
        forwarded = nextForward;
      }
      for (int b = 0; b < m; b++) {
        if (forwarded != b) {
          runtime.forwardPartition(feed(data, inputs, b), b);
          forwarded = b;
        }
        lossSum += backward(b);
        release(inputs, b);
        if (nextForward < m) {
          forward(data, inputs, nextForward);
          forwarded = nextForward++;
        }
      }
      StepResult update = runtime.applyAccumulated();
      return new StepResult(lossSum, update.updated(), update.gradientNorm(),
          update.learningRate());
    } finally {
      for (int i = 0; i < m; i++) {
        release(inputs, i);
      }
    }
  }

  private void forward(List<Map<String, Tensor>> data, Tensor[] inputs, int mb) {
    Boundary in = partition.input();
    if (in != null) {
      TensorMessage msg = receive(upstream, in.name(), upstreamName, receivedForward);
      inputs[mb] = msg.tensor();
    }
    Map<String, Tensor> outputs = runtime.forwardPartition(feed(data, inputs, mb), mb);
    Boundary out = partition.output();
    if (out != null) {
      Tensor value = copy(outputs.get(out.consumerNode()));
      byte[] proof = sentForward == null ? null : sentForward.prove(value);
      send(downstream, new TensorMessage(out.name(), value, proof), downstreamName);
    }
  }

  private double backward(int mb) {
    Map<String, Tensor> gradients = new HashMap<>();
    Boundary out = partition.output();
    TensorMessage gradient = null;
    if (out != null) {
      gradient = receive(downstream, out.gradientName(), downstreamName, receivedBackward);
      gradients.put(out.consumerNode(), gradient.tensor());
    }
    try {
      double loss = runtime.backwardPartition(gradients);
      Boundary in = partition.input();
      if (in != null) {
        Tensor g = copy(runtime.inputGradient(in.producerNode()));
        byte[] proof = sentBackward == null ? null : sentBackward.prove(g);
        send(upstream, new TensorMessage(in.gradientName(), g, proof), upstreamName);
      }
      return loss;
    } finally {
      if (gradient != null) {
        gradient.tensor().close();
      }
    }
  }

  private Map<String, Tensor> feed(List<Map<String, Tensor>> data, Tensor[] inputs, int mb) {
    Map<String, Tensor> feed = new HashMap<>(data.get(mb));
    Boundary in = partition.input();
    if (in != null) {
      feed.put(in.producerNode(), inputs[mb]);
    }
    return feed;
  }

  private static void release(Tensor[] inputs, int mb) {
    if (inputs[mb] != null) {
      inputs[mb].close();
      inputs[mb] = null;
    }
  }

  private static Tensor copy(Tensor t) {
    Tensor out = Tensor.zeros(t.shape());
    t.copyTo(out);
    return out;
  }

  private void send(TensorChannel link, TensorMessage message, String where) {
    try {
      link.send(message);
    } catch (TransportException e) {
      message.tensor().close();
      throw new SchedulerException("partition " + partition.index() + ": sending '"
          + message.name() + "' on " + where + " failed: " + e.getMessage(), e);
    }
  }

  private TensorMessage receive(TensorChannel link, String expected, String where,
      BoundaryProofs proofs) {
    long deadline = System.nanoTime() + receiveTimeout.toNanos();
    while (true) {
      if (aborted.getAsBoolean()) {
        throw new SchedulerException("partition " + partition.index()
            + ": stopped waiting for '" + expected + "' on " + where
            + " because another partition failed");
      }
      Optional<TensorMessage> got;
      try {
        got = link.receive(POLL);
      } catch (TransportException e) {
        throw new SchedulerException("partition " + partition.index() + ": receiving '"
            + expected + "' on " + where + " failed: " + e.getMessage(), e);
      }
      if (got.isPresent()) {
        TensorMessage msg = got.get();
        if (!msg.name().equals(expected)) {
          msg.tensor().close();
          throw new SchedulerException("partition " + partition.index() + ": received '"
              + msg.name() + "' on " + where + " (expected: '" + expected + "')");
        }
        if (proofs != null) {
          proofs.verify(msg.tensor(), msg.proof());
        }
        if (recordReceived) {
          received.add(msg.name() + " " + msg.tensor().describe()
              + (msg.hasProof() ? " with proof" : ""));
        }
        return msg;
      }
      if (System.nanoTime() > deadline) {
        throw new SchedulerException("partition " + partition.index() + ": nothing arrived on "
            + where + " within " + receiveTimeout + " (waiting for '" + expected
            + "'; is the peer alive?)");
      }
    }
  }
}
