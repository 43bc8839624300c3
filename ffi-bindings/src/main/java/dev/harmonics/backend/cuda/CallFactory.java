package dev.harmonics.backend.cuda;

/** Starts {@link DeviceCall}s on one device with its residency; shared by the family classes. */
record CallFactory(Device device, CudaResidency residency) {

  DeviceCall open() {
    return new DeviceCall(device, residency);
  }
}
