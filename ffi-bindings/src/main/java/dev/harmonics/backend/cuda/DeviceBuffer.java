package dev.harmonics.backend.cuda;

/** A device allocation from the pool: its address and its size class in bytes. */
record DeviceBuffer(long pointer, long capacity) {}
