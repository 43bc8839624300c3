package dev.harmonics.data.idx;

/** The element types an IDX file may declare in the third byte of its magic number. */
public enum IdxType {
  UNSIGNED_BYTE(0x08, 1),
  SIGNED_BYTE(0x09, 1),
  SHORT(0x0B, 2),
  INT(0x0C, 4),
  FLOAT(0x0D, 4),
  DOUBLE(0x0E, 8);

  private final int code;
  private final int byteSize;

  IdxType(int code, int byteSize) {
    this.code = code;
    this.byteSize = byteSize;
  }

  /** The type byte as written in the file. */
  public int code() {
    return code;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** True for the types whose values are whole numbers (usable as class labels). */
  public boolean integral() {
    return this != FLOAT && this != DOUBLE;
  }

  /** The type with the given type byte, or null when the byte names no IDX type. */
  public static IdxType fromCode(int code) {
    for (IdxType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
