package dev.harmonics.schedule;

import dev.harmonics.transport.TensorChannel;
import dev.harmonics.transport.TensorMessage;
import dev.harmonics.transport.bus.TensorBus;
import java.time.Duration;
import java.util.Optional;

/**
 * One side of an in-process boundary: sends into one bounded bus and receives from the other, so
 * activations and gradients each have their own queue and back-pressure.
 */
final class BusLink implements TensorChannel {

  private final TensorBus out;
  private final TensorBus in;

  BusLink(TensorBus out, TensorBus in) {
    this.out = out;
    this.in = in;
  }

  @Override
  public void send(TensorMessage message) {
    out.send(message);
  }

  @Override
  public Optional<TensorMessage> receive(Duration timeout) {
    return in.receive(timeout);
  }

  @Override
  public void close() {
    out.close();
    in.close();
  }
}
