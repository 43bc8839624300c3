package dev.harmonics.spark.testing;

import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.harp.HarpParser;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A small classification problem the tests can learn in seconds: three Gaussian blobs in four
 * dimensions, with a two-layer classifier graph for it. Seeded, so every run sees the same rows.
 */
public final class Blobs {

  public static final String HARP = """
      harmonic blobs {
        producer x {4};
        producer label {1};
        layer hidden dense(units=16);
        layer out dense(units=3);
        consumer p {3};
        cycle {
          x -> hidden -(relu)-> out -(softmax)-> p;
          p <-(cross_entropy)- label;
        }
      }
      """;

  public static final StructType SCHEMA = new StructType()
      .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
      .add("label", DataTypes.IntegerType, false);

  private Blobs() {}

  public static HarmonicGraph graph() {
    return HarpParser.parse(HARP, "blobs.harp");
  }

  /** {@code rows} rows over {@code partitions} partitions. */
  public static Dataset<Row> data(SparkSession spark, int rows, int partitions, long seed) {
    return spark.createDataFrame(rows(rows, seed), SCHEMA).repartition(partitions)
        .sortWithinPartitions("label", "features");
  }

  public static List<Row> rows(int rows, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] centres = {{2, 0, 0, 1}, {0, 2, 1, 0}, {-2, -2, 0, 0}};
    List<Row> out = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      int label = i % 3;
      Float[] x = new Float[4];
      for (int d = 0; d < 4; d++) {
        x[d] = (float) (centres[label][d] + 0.7 * random.nextGaussian());
      }
      out.add(RowFactory.create(x, label));
    }
    return out;
  }

  /** A local[2] session for one test class, quiet and without a UI. */
  public static SparkSession localSpark(String name) {
    return SparkSession.builder().appName(name).master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
  }
}
