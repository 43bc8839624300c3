package dev.harmonics.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class TcpIoTest {

  @Test
  void usesNativeEpollOnLinuxX86() {
    assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
            && System.getProperty("os.arch").equals("amd64"),
        "the native epoll library is shipped for linux-x86_64 only; elsewhere NIO is expected");
    assumeTrue(!Boolean.getBoolean("harmonics.transport.nio"), "NIO was forced for this run");
    assertEquals("epoll", TcpIo.name());
    assertEquals(io.netty.channel.epoll.EpollSocketChannel.class, TcpIo.socketChannel());
  }
}
