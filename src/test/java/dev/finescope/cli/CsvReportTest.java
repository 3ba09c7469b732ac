package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.finescope.analysis.TensorMetrics;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridPosition;
import dev.finescope.checkpoint.GridRow;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReportTest {

    static TensorMetrics metrics(long numel, double base) {
        return new TensorMetrics(numel, base, base * 2, base * 3, 0.1 + 0.2, 0.999_999_999_999, 1e-300,
                0.25, 0, base * 7, null);
    }

    static List<CsvReport.Row> rows() {
        String tuned = "tuned, v2";
        return List.of(
                new CsvReport.Row(tuned, "bert.encoder.layer.1.attention.self.query.weight",
                        new GridPosition(GridRow.layer(1), GridColumn.Q, GridPosition.Part.WEIGHT),
                        metrics(16, 1.0 / 3)),
                new CsvReport.Row(tuned, "bert.embeddings.word_embeddings.weight",
                        new GridPosition(GridRow.EMBEDDINGS, GridColumn.WORD, GridPosition.Part.WEIGHT),
                        metrics(32, 2e-5)),
                new CsvReport.Row(tuned, "classifier.bias",
                        new GridPosition(GridRow.HEAD, GridColumn.HEAD, GridPosition.Part.BIAS),
                        new TensorMetrics(2, 0, 0, 0, 0, Double.NaN, Double.NaN, 0, 1, 0, "all-zero tensor")),
                new CsvReport.Row(tuned, "odd,\"name\"", null, metrics(3, 1)));
    }

    @Test
    void headerHasExactlyTheDocumentedColumns() {
        assertEquals("tuned,tensor,row,column,numel,mean_abs_delta,rel_l1,l2,rel_l2,cosine,angle_rad,"
                + "frac_changed,frac_zero,max_abs_delta", CsvReport.HEADER);
    }

    @Test
    void oneRowPerTensorWithFullPrecisionNumbersAndGridPlaces() throws IOException {
        StringWriter out = new StringWriter();
        CsvReport.write(rows(), out);
        List<String> lines = out.toString().lines().toList();
        assertEquals(List.of(
                CsvReport.HEADER,
                "\"tuned, v2\",bert.encoder.layer.1.attention.self.query.weight,1,Q,16,0.3333333333333333,"
                        + "0.6666666666666666,1.0,0.30000000000000004,0.999999999999,1.0E-300,0.25,0.0,"
                        + "2.333333333333333",
                "\"tuned, v2\",bert.embeddings.word_embeddings.weight,embeddings,Word,32,2.0E-5,4.0E-5,"
                        + "6.000000000000001E-5,0.30000000000000004,0.999999999999,1.0E-300,0.25,0.0,"
                        + "1.4000000000000001E-4",
                "\"tuned, v2\",classifier.bias,head,Head,2,0.0,0.0,0.0,0.0,NaN,NaN,0.0,1.0,0.0",
                "\"tuned, v2\",\"odd,\"\"name\"\"\",,,3,1.0,2.0,3.0,0.30000000000000004,0.999999999999,1.0E-300,"
                        + "0.25,0.0,7.0"), lines);
    }

    @Test
    void everyNumberReadsBackAsTheSameDouble() {
        String[] fields = CsvReport.line(rows().get(0)).substring("\"tuned, v2\",".length()).split(",");
        TensorMetrics m = rows().get(0).metrics();
        assertEquals(m.meanAbsDelta(), Double.parseDouble(fields[4]));
        assertEquals(m.relL1(), Double.parseDouble(fields[5]));
        assertEquals(m.maxAbsDelta(), Double.parseDouble(fields[12]));
    }
}
