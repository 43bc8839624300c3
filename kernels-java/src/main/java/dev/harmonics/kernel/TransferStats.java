package dev.harmonics.kernel;

/**
 * Host-device traffic a backend has caused since it was created: bytes and calls each way. CPU
 * backends report zeros. Subtract two snapshots to measure a piece of work.
 */
public record TransferStats(
    long hostToDeviceBytes, long hostToDeviceCalls, long deviceToHostBytes, long deviceToHostCalls) {

  public static final TransferStats NONE = new TransferStats(0, 0, 0, 0);

  /** The traffic between {@code earlier} and this snapshot. */
  public TransferStats minus(TransferStats earlier) {
    return new TransferStats(hostToDeviceBytes - earlier.hostToDeviceBytes,
        hostToDeviceCalls - earlier.hostToDeviceCalls,
        deviceToHostBytes - earlier.deviceToHostBytes,
        deviceToHostCalls - earlier.deviceToHostCalls);
  }
}
