package dev.harmonics.transport;

/** The listening end of a network binding; peers connect to it. */
public interface ListeningChannel extends TensorChannel {

  /** The port actually listened on (the chosen one when the binding said 0). */
  int port();
}
