package dev.harmonics.spark.train;

import dev.harmonics.spark.model.ModelSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One checkpoint per epoch in a Hadoop-compatible directory ({@code file:}, {@code hdfs:},
 * {@code s3a:}, ...), as {@code epoch-NNNNN.hspk}.
 *
 * <p>Layout: the magic {@code HSPK}, a format version (int), the epoch (int), the length of the
 * payload (int), the payload (the Java-serialized {@link ModelSnapshot}), then the SHA-256 of
 * everything before it. A checkpoint is written under a temporary name and renamed when complete,
 * and an epoch never overwrites another, so a crash mid-write leaves the earlier checkpoints as
 * they were. A file that is truncated, altered or of another version is refused with the reason.
 */
public final class SparkCheckpoints {

  private static final int MAGIC = 0x4853504B;
  private static final int VERSION = 1;
  private static final int DIGEST_BYTES = 32;
  private static final Pattern NAME = Pattern.compile("epoch-(\\d{5})\\.hspk");

  private SparkCheckpoints() {}

  /** A checkpoint: the model after {@code epoch} epochs. */
  public record Checkpoint(int epoch, ModelSnapshot model) {}

  /** Writes the checkpoint of {@code epoch} into {@code dir}; returns its path. */
  public static String write(String dir, int epoch, ModelSnapshot model, Configuration conf)
      throws IOException {
    byte[] payload = serialize(model);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + 64);
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeInt(epoch);
    out.writeInt(payload.length);
    out.write(payload);
    out.write(sha256(bytes.toByteArray()));
    Path target = new Path(dir, String.format("epoch-%05d.hspk", epoch));
    Path temporary = new Path(dir, "." + target.getName() + ".tmp");
    FileSystem fs = target.getFileSystem(conf);
    fs.mkdirs(new Path(dir));
    try (OutputStream file = fs.create(temporary, true)) {
      file.write(bytes.toByteArray());
    }
    if (fs.exists(target)) {
      fs.delete(target, false);
    }
    if (!fs.rename(temporary, target)) {
      throw new IOException("could not rename " + temporary + " to " + target);
    }
    return target.toString();
  }

  /** Reads one checkpoint file, or fails saying what is wrong with it. */
  public static Checkpoint read(String file, Configuration conf) throws IOException {
    Path path = new Path(file);
    byte[] all;
    try (InputStream in = path.getFileSystem(conf).open(path)) {
      all = in.readAllBytes();
    } catch (ChecksumException e) {
      throw new IOException(file + ": checksum mismatch found by the file system ("
          + e.getMessage() + ")", e);
    }
    if (all.length < 16 + DIGEST_BYTES) {
      throw new IOException(file + ": " + all.length + " bytes, truncated (expected: at least "
          + (16 + DIGEST_BYTES) + ")");
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(all));
    if (in.readInt() != MAGIC) {
      throw new IOException(file + ": not a Harmonics Spark checkpoint (bad magic)");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException(file + ": format version " + version + " (expected: " + VERSION + ")");
    }
    int epoch = in.readInt();
    int length = in.readInt();
    if (length < 0 || 16L + length + DIGEST_BYTES != all.length) {
      throw new IOException(file + ": payload of " + length + " bytes in a file of " + all.length
          + " (truncated or corrupted)");
    }
    byte[] body = Arrays.copyOf(all, all.length - DIGEST_BYTES);
    byte[] digest = Arrays.copyOfRange(all, all.length - DIGEST_BYTES, all.length);
    if (!MessageDigest.isEqual(sha256(body), digest)) {
      throw new IOException(file + ": checksum mismatch (the file was altered or corrupted)");
    }
    return new Checkpoint(epoch, deserialize(Arrays.copyOfRange(all, 16, 16 + length), file));
  }

  /**
   * The checkpoint of the highest epoch in {@code dir} that reads back intact; corrupted ones
   * are skipped with a warning naming them. Empty when there is none.
   */
  public static Optional<Checkpoint> latest(String dir, Configuration conf) throws IOException {
    Path path = new Path(dir);
    FileSystem fs = FileSystem.get(URI.create(dir), conf);
    if (!fs.exists(path)) {
      return Optional.empty();
    }
    FileStatus[] files = fs.listStatus(path);
    Arrays.sort(files, (a, b) -> b.getPath().getName().compareTo(a.getPath().getName()));
    for (FileStatus status : files) {
      Matcher m = NAME.matcher(status.getPath().getName());
      if (!m.matches()) {
        continue;
      }
      try {
        return Optional.of(read(status.getPath().toString(), conf));
      } catch (IOException e) {
        System.getLogger(SparkCheckpoints.class.getName()).log(System.Logger.Level.WARNING,
            "skipping checkpoint " + status.getPath() + ": " + e.getMessage());
      }
    }
    return Optional.empty();
  }

  private static byte[] serialize(ModelSnapshot model) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(model);
    }
    return bytes.toByteArray();
  }

  private static ModelSnapshot deserialize(byte[] payload, String file) throws IOException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(payload))) {
      in.setObjectInputFilter(info -> info.serialClass() == null
          || info.serialClass() == ModelSnapshot.class || info.serialClass().isArray()
          || info.serialClass() == String.class
          ? java.io.ObjectInputFilter.Status.ALLOWED : java.io.ObjectInputFilter.Status.REJECTED);
      return (ModelSnapshot) in.readObject();
    } catch (ClassNotFoundException | ClassCastException e) {
      throw new IOException(file + ": the payload is not a model snapshot: " + e.getMessage(), e);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }
}
