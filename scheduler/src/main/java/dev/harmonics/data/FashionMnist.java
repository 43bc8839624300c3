package dev.harmonics.data;

import dev.harmonics.data.idx.IdxDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Locates and loads Fashion-MNIST (28x28 grey images of clothing, 10 classes) from the files the
 * system package {@value #PACKAGE} installs under {@value #DEFAULT_DIRECTORY}. Pixels are scaled
 * to [0, 1]; samples are {@code [1, 28, 28]} (one channel) so both dense and convolutional models
 * take them as they are.
 */
public final class FashionMnist {

  /** The system package that installs the files. */
  public static final String PACKAGE = "dataset-fashion-mnist";

  /** Where {@value #PACKAGE} puts the files. */
  public static final String DEFAULT_DIRECTORY = "/usr/share/datasets/fashion-mnist";

  /** Number of classes. */
  public static final int CLASSES = 10;

  /** The class names, by label index. */
  public static final List<String> CLASS_NAMES = List.of(
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  /** The two parts of the data set, named by their file prefixes. */
  public enum Split {
    /** 60,000 training samples. */
    TRAIN("train"),
    /** 10,000 test samples. */
    TEST("t10k");

    private final String prefix;

    Split(String prefix) {
      this.prefix = prefix;
    }

    /** The images file of this split under {@code directory}. */
    public Path images(Path directory) {
      return directory.resolve(prefix + "-images-idx3-ubyte.gz");
    }

    /** The labels file of this split under {@code directory}. */
    public Path labels(Path directory) {
      return directory.resolve(prefix + "-labels-idx1-ubyte.gz");
    }
  }

  private FashionMnist() {}

  /** The default directory. */
  public static Path directory() {
    return Path.of(DEFAULT_DIRECTORY);
  }

  /** True when both files of both splits are present in the default directory. */
  public static boolean installed() {
    return installed(directory());
  }

  /** True when both files of both splits are present in {@code directory}. */
  public static boolean installed(Path directory) {
    for (Split s : Split.values()) {
      if (!Files.isRegularFile(s.images(directory)) || !Files.isRegularFile(s.labels(directory))) {
        return false;
      }
    }
    return true;
  }

  /** Loads {@code split} from the default directory. */
  public static IdxDataset load(Split split) throws IOException {
    return load(directory(), split);
  }

  /**
   * Loads {@code split} from {@code directory}, pixels scaled to [0, 1].
   *
   * @throws NoSuchFileException naming the missing file and the package that installs it
   */
  public static IdxDataset load(Path directory, Split split) throws IOException {
    Path images = split.images(directory);
    Path labels = split.labels(directory);
    for (Path p : List.of(images, labels)) {
      if (!Files.isRegularFile(p)) {
        throw new NoSuchFileException(p.toString(), null,
            "Fashion-MNIST is not installed: install it with `apt-get install -y " + PACKAGE
                + "` (files go to " + DEFAULT_DIRECTORY + ")");
      }
    }
    IdxDataset set = IdxDataset.load(images, labels, 1f / 255f, CLASSES);
    int[] shape = set.spec().featureShape();
    if (shape.length != 2 || shape[0] != 28 || shape[1] != 28) {
      throw new MalformedDataException(
          images + ": images of shape " + java.util.Arrays.toString(shape)
              + " (expected 28x28 Fashion-MNIST images)");
    }
    return set.withFeatureShape(1, 28, 28);
  }
}
