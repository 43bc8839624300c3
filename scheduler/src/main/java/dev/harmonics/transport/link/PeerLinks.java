package dev.harmonics.transport.link;

import java.time.Duration;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * The links of a listening end, newest first. A listening end sends to its newest live link: when
 * a peer reconnects after a failure, the new connection is the one that works.
 */
public final class PeerLinks {

  private final Deque<FrameLink> links = new ConcurrentLinkedDeque<>();
  private boolean closed;

  public synchronized void register(FrameLink link) {
    links.addFirst(link);
    notifyAll();
  }

  public void forget(FrameLink link) {
    links.remove(link);
  }

  /** The newest live link, waiting up to {@code wait} for a peer to connect. */
  public synchronized FrameLink newest(Duration wait) throws LinkFailure {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      links.removeIf(link -> !link.isOpen());
      FrameLink link = links.peekFirst();
      if (link != null) {
        return link;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || closed) {
        throw new LinkFailure("no peer is connected");
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LinkFailure("interrupted while waiting for a peer", e);
      }
    }
  }

  /** Closes every link and wakes anyone waiting for one. */
  public synchronized void closeAll(String reason) {
    closed = true;
    links.forEach(link -> link.close(reason));
    links.clear();
    notifyAll();
  }
}
