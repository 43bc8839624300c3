package dev.harmonics.spark.infer;

import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.runtime.CycleRuntime;
import dev.harmonics.spark.backend.ExecutorBackends;
import dev.harmonics.spark.model.ExecutorModels;
import dev.harmonics.spark.model.ModelIo;
import dev.harmonics.spark.model.ModelSnapshot;
import dev.harmonics.tensor.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Inference on DataFrames, batch or streaming: {@link #predict} adds a {@code prediction} column
 * (the arg-max class) and a {@code probabilities} column (the model's output) to every row. Rows
 * go through the model in batches; the model is broadcast once and loaded once per executor JVM
 * ({@link ExecutorModels}), not once per task.
 */
public final class SparkPredictor {

  public static final String PREDICTION = "prediction";
  public static final String PROBABILITIES = "probabilities";

  private SparkPredictor() {}

  /**
   * {@code data} with the model's predictions for {@code featuresColumn} (an array of numbers of
   * the model input's size), computed {@code batchSize} rows at a time.
   */
  public static Dataset<Row> predict(Dataset<Row> data, ModelSnapshot model,
      String featuresColumn, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize: " + batchSize + " (expected: >= 1)");
    }
    int column = data.schema().fieldIndex(featuresColumn);
    HarmonicGraph graph = model.graph();
    ModelIo io = ModelIo.of(graph);
    StructType schema = data.schema()
        .add(PREDICTION, DataTypes.IntegerType, false)
        .add(PROBABILITIES, DataTypes.createArrayType(DataTypes.FloatType, false), false);
    Broadcast<ModelSnapshot> shared =
        data.sparkSession().sparkContext().broadcast(model,
            scala.reflect.ClassTag$.MODULE$.apply(ModelSnapshot.class));
    String id = model.id();
    MapPartitionsFunction<Row, Row> run = rows -> new BatchIterator(rows, batchSize, batch ->
        ExecutorModels.with(shared.value(), id, ExecutorBackends.kernels(),
            runtime -> score(runtime, io, batch, column)));
    return data.mapPartitions(run, Encoders.row(schema));
  }

  private static List<Row> score(CycleRuntime runtime, ModelIo io, List<Row> batch, int column) {
    float[] features = new float[batch.size() * io.width()];
    for (int r = 0; r < batch.size(); r++) {
      List<Object> values = batch.get(r).getList(column);
      if (values.size() != io.width()) {
        throw new IllegalArgumentException("row " + r + " of a batch: features has "
            + values.size() + " numbers (expected: " + io.width() + ")");
      }
      for (int i = 0; i < values.size(); i++) {
        features[r * io.width() + i] = ((Number) values.get(i)).floatValue();
      }
    }
    List<Row> out = new ArrayList<>(batch.size());
    try (Tensor x = Tensor.of(features, io.batchShape(batch.size()))) {
      Map<String, Tensor> outputs = runtime.infer(Map.of(io.input(), x));
      try {
        float[] probabilities = outputs.get(io.output()).toFloatArray();
        int classes = probabilities.length / batch.size();
        for (int r = 0; r < batch.size(); r++) {
          Float[] row = new Float[classes];
          int best = 0;
          for (int c = 0; c < classes; c++) {
            row[c] = probabilities[r * classes + c];
            if (row[c] > row[best]) {
              best = c;
            }
          }
          Row in = batch.get(r);
          Object[] cells = new Object[in.length() + 2];
          for (int i = 0; i < in.length(); i++) {
            cells[i] = in.get(i);
          }
          cells[in.length()] = best;
          cells[in.length() + 1] = row;
          out.add(RowFactory.create(cells));
        }
      } finally {
        outputs.values().forEach(Tensor::close);
      }
    }
    return out;
  }

  /** Rows in, scored rows out, {@code size} rows per model call. */
  private static final class BatchIterator implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final int size;
    private final java.util.function.Function<List<Row>, List<Row>> scorer;
    private Iterator<Row> current = java.util.Collections.emptyIterator();

    BatchIterator(Iterator<Row> rows, int size,
        java.util.function.Function<List<Row>, List<Row>> scorer) {
      this.rows = rows;
      this.size = size;
      this.scorer = scorer;
    }

    @Override
    public boolean hasNext() {
      if (!current.hasNext() && rows.hasNext()) {
        List<Row> batch = new ArrayList<>(size);
        while (rows.hasNext() && batch.size() < size) {
          batch.add(rows.next());
        }
        current = scorer.apply(batch).iterator();
      }
      return current.hasNext();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      return current.next();
    }
  }
}
