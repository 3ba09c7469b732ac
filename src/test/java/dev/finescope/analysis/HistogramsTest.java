package dev.finescope.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.common.Progress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HistogramsTest {

    private static InMemoryCheckpoint base;
    private static InMemoryCheckpoint tuned;
    private static JsonNode reference;

    @BeforeAll
    static void load() {
        base = Fixtures.base();
        tuned = Fixtures.tuned();
        reference = Fixtures.json("reference-histograms.json");
    }

    static Stream<String> cases() {
        List<String> names = new ArrayList<>();
        Fixtures.json("reference-histograms.json").get("histograms").forEach(c -> names.add(c.get("name").asText()));
        return names.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void countsEqualNumpy(String name) {
        JsonNode c = find(name);
        Histogram.Values values = Histogram.Values.valueOf(c.get("values").asText().toUpperCase(Locale.ROOT));
        boolean log10 = c.get("log10").asBoolean();
        HistogramSpec spec = c.get("auto").asBoolean()
                ? HistogramSpec.auto(values, log10)
                : HistogramSpec.fixed(values, log10, c.get("lo").asDouble(), c.get("hi").asDouble(),
                        c.get("bins").asInt());

        Histogram h = new Histograms(2, 300).of(base, tuned, Fixtures.strings(c.get("tensors")), spec, Progress.NONE);

        assertEquals(c.get("lo").asDouble(), h.lo(), 0.0, "lo");
        assertEquals(c.get("hi").asDouble(), h.hi(), 0.0, "hi");
        long[] expected = new long[c.get("counts").size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = c.get("counts").get(i).asLong();
        }
        assertArrayEquals(expected, h.counts());
        assertEquals(c.get("below").asLong(), h.below(), "below");
        assertEquals(c.get("above").asLong(), h.above(), "above");
        assertEquals(c.get("zeros").asLong(), h.zeros(), "zeros");
        assertEquals(c.get("numel").asLong(), h.numel(), "numel");
        assertEquals(0, h.nonFinite());
    }

    @Test
    void histogramsOfCellsAndRowsUseTheirTensors() {
        JsonNode grid = Fixtures.json("reference-grid.json");
        LayerGrid layerGrid = LayerGrid.of(new Analyzer(1).compare(base, "b", tuned, "t", Fixtures::locate,
                Progress.NONE), true);
        assertEquals(Fixtures.strings(grid.get("cells").get("0/FFN-in").get("tensors")),
                layerGrid.cellDetail(GridRow.layer(0), GridColumn.FFN_IN).orElseThrow().tensorNames());
        JsonNode cell = find("cell-tuned-linear-fixed");
        Histogram h = new Histograms(1).of(base, tuned,
                layerGrid.cellDetail(GridRow.layer(0), GridColumn.FFN_IN).orElseThrow().tensorNames(),
                HistogramSpec.fixed(Histogram.Values.TUNED, false, -0.1, 0.1, 20), Progress.NONE);
        assertEquals(cell.get("counts").get(10).asLong(), h.count(10));
    }

    @Test
    void parallelCountsEqualSingleThreadedCounts() {
        List<String> all = Fixtures.strings(find("model-base-linear-auto").get("tensors"));
        HistogramSpec spec = HistogramSpec.auto(Histogram.Values.DELTA, true, 50);
        Histogram one = new Histograms(1, 1 << 20).of(base, tuned, all, spec, Progress.NONE);
        Histogram many = new Histograms(4, 97).of(base, tuned, all, spec, Progress.NONE);
        assertEquals(one, many);
    }

    @Test
    void binningFollowsNumpyAtTheEdges() {
        InMemoryCheckpoint m = InMemoryCheckpoint.builder("m")
                .add("v", 0f, 0.25f, 0.5f, 0.75f, 1f, -0.5f, 1.5f, Float.NaN, 0f).build();
        Histogram h = new Histograms(1).of(m, null, List.of("v"),
                HistogramSpec.fixed(Histogram.Values.BASE, false, 0, 1, 4), Progress.NONE);

        // numpy.histogram([0, .25, .5, .75, 1, 0], 4, (0, 1)) == [2, 1, 1, 2]: lower edges closed, the last bin too
        assertArrayEquals(new long[] {2, 1, 1, 2}, h.counts());
        assertEquals(1, h.below());
        assertEquals(1, h.above());
        assertEquals(1, h.nonFinite());
        assertEquals(9, h.numel());
        assertEquals(0.25, h.binLower(1), 0.0);
        assertEquals(1.0, h.binUpper(3), 0.0);
    }

    @Test
    void logScaleCountsZerosApart() {
        InMemoryCheckpoint m = InMemoryCheckpoint.builder("m").add("v", 0f, -0f, 0.02f, -0.3f, 20f).build();
        Histogram h = new Histograms(1).of(m, null, List.of("v"),
                HistogramSpec.fixed(Histogram.Values.BASE, true, -3, 2, 5), Progress.NONE);

        assertArrayEquals(new long[] {0, 1, 1, 0, 1}, h.counts());
        assertEquals(2, h.zeros());
    }

    @Test
    void anAutomaticRangeOfEqualValuesWidensLikeNumpy() {
        InMemoryCheckpoint m = InMemoryCheckpoint.builder("m").add("v", 2f, 2f, 2f, 2f).build();
        Histogram h = new Histograms(1).of(m, null, List.of("v"), HistogramSpec.auto(Histogram.Values.BASE, false),
                Progress.NONE);
        assertEquals(1.5, h.lo(), 0.0);
        assertEquals(2.5, h.hi(), 0.0);
        assertEquals(2, h.bins(), "ceil(sqrt(4))");
        assertArrayEquals(new long[] {0, 4}, h.counts());
    }

    @Test
    void deltaOfTensorsOfDifferentShapesIsAClearError() {
        InMemoryCheckpoint other = tuned.with("classifier.bias", DType.F32, new long[] {3}, new float[3]);
        CheckpointException e = assertThrows(CheckpointException.class, () -> new Histograms(1).of(base, other,
                List.of("classifier.bias"), HistogramSpec.auto(Histogram.Values.DELTA, false), Progress.NONE));
        assertEquals("classifier.bias: shape [2] in base, [3] in tuned", e.problem());
    }

    @Test
    void histogramsCanBeCancelled() {
        Progress cancelled = new Progress() {
            @Override
            public void update(long done, long total, String what) {
            }

            @Override
            public boolean isCancelled() {
                return true;
            }
        };
        assertThrows(CancellationException.class, () -> new Histograms(2).of(base, tuned, base.tensorNames(),
                HistogramSpec.auto(Histogram.Values.BASE, false), cancelled));
    }

    @Test
    void sparsityPerTensorCellAndRowEqualsNumpy() {
        JsonNode sparsity = reference.get("sparsity");
        double threshold = sparsity.get("threshold").asDouble();
        JsonNode grid = Fixtures.json("reference-grid.json");
        Histograms histograms = new Histograms(2, 500);

        JsonNode perTensor = sparsity.get("tensors");
        List<String> names = new ArrayList<>();
        perTensor.fieldNames().forEachRemaining(names::add);
        Map<String, Sparsity> actual = histograms.sparsityByTensor(tuned, names, threshold, Progress.NONE);
        for (String n : names) {
            assertSparsity(n, perTensor.get(n), actual.get(n));
        }
        for (String group : List.of("cells", "rows")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = sparsity.get(group).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                List<String> tensors = Fixtures.strings(grid.get(group).get(e.getKey()).get("tensors"));
                assertSparsity(group + " " + e.getKey(), e.getValue(),
                        histograms.sparsity(tuned, tensors, threshold, Progress.NONE));
            }
        }
        Sparsity masked = actual.get("bert.encoder.layer.1.intermediate.dense.weight");
        assertEquals(0.1, masked.fracZero(), 1e-3, "the masked matrix has 10% zeros");
    }

    private static void assertSparsity(String what, JsonNode expected, Sparsity actual) {
        assertEquals(expected.get("numel").asLong(), actual.numel(), what + " numel");
        assertEquals(expected.get("zeros").asLong(), actual.zeros(), what + " zeros");
        assertEquals(expected.get("below").asLong(), actual.below(), what + " below");
    }

    private static JsonNode find(String name) {
        for (JsonNode c : reference.get("histograms")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no reference histogram " + name);
    }
}
