package dev.finescope.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridPosition;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.checkpoint.Tensor;
import dev.finescope.common.Progress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AnalyzerTest {

    private static final String QUERY = "bert.encoder.layer.0.attention.self.query.weight";

    @ParameterizedTest
    @ValueSource(strings = {"base-vs-tuned", "base-vs-tuned-f16", "base-vs-tuned-bf16"})
    void everyTensorMatchesTheNumpyReference(String pair) {
        JsonNode ref = Fixtures.json("reference-metrics.json");
        JsonNode expected = ref.get("pairs").get(pair);
        ModelComparison c = new Analyzer(2, 1000).compare(Fixtures.base(), "base", Fixtures.tunedOfPair(pair), pair,
                Fixtures::locate, Progress.NONE);

        List<String> names = new ArrayList<>();
        expected.fieldNames().forEachRemaining(names::add);
        assertEquals(names, c.tensors().stream().map(TensorComparison::name).toList(), "tensors, in base order");
        for (TensorComparison t : c.tensors()) {
            Fixtures.assertMatches(pair + " " + t.name(),
                    Fixtures.Reference.of(ref.get("metrics"), expected.get(t.name())), t.metrics(),
                    Fixtures.ANGLE_REL_TOL);
        }
    }

    @Test
    void tensorsOnOneSideOnlyAreListedNotFatal() {
        JsonNode ref = Fixtures.json("reference-metrics.json");
        ModelComparison c = new Analyzer(1).compare(Fixtures.base(), "base", Fixtures.tuned(), "tuned",
                Fixtures::locate, Progress.NONE);

        assertEquals(Fixtures.strings(ref.get("only_in_base")), c.onlyInBase());
        assertEquals(Fixtures.strings(ref.get("only_in_tuned")), c.onlyInTuned());
        assertEquals(List.of("cls.predictions.bias"), c.onlyInBase());
        assertEquals(List.of("bert.embeddings.token_type_ids"), c.onlyInTuned());
        assertEquals("base", c.baseLabel());
        assertEquals("tuned", c.tunedLabel());
        assertEquals(2, c.layers());
    }

    @Test
    void tensorsCarryTheirGridPositionAndTypes() {
        ModelComparison c = new Analyzer(1).compare(Fixtures.base(), "base", Fixtures.tunedOfPair("base-vs-tuned-f16"),
                "f16", Fixtures::locate, Progress.NONE);

        TensorComparison q = c.tensor(QUERY).orElseThrow();
        assertEquals(new GridPosition(GridRow.layer(0), GridColumn.Q, GridPosition.Part.WEIGHT), q.position());
        assertArrayEquals(new long[] {32, 32}, q.shape());
        assertEquals(DType.F32, q.baseType());
        assertEquals(DType.F16, q.tunedType());
        TensorComparison ids = c.tensor("bert.embeddings.position_ids").orElseThrow();
        assertNull(ids.position());
        assertEquals(DType.I64, ids.tunedType());
        assertEquals(List.of(ids), c.other());
    }

    @Test
    void integerBuffersAreComparedAsTheirValues() {
        InMemoryCheckpoint base = InMemoryCheckpoint.builder("base")
                .add("ids", DType.I64, new long[] {1, 4}, new float[] {0, 1, 2, 3}).build();
        InMemoryCheckpoint tuned = InMemoryCheckpoint.builder("tuned")
                .add("ids", DType.I64, new long[] {1, 4}, new float[] {0, 1, 2, 5}).build();

        TensorMetrics m = new Analyzer(1).compare(base, "b", tuned, "t", n -> Optional.empty(), Progress.NONE)
                .tensors().get(0).metrics();

        assertEquals(0.5, m.meanAbsDelta(), 0.0);
        assertEquals(2.0, m.maxAbsDelta(), 0.0);
        assertEquals(0.25, m.fracChanged(), 0.0);
        assertEquals(0.25, m.fracZero(), 0.0);
    }

    static Stream<String> syntheticCases() {
        List<String> names = new ArrayList<>();
        Fixtures.json("synthetic-cases.json").fieldNames().forEachRemaining(names::add);
        return names.stream();
    }

    @ParameterizedTest
    @MethodSource("syntheticCases")
    void edgeCasesMatchTheExactReference(String name) {
        JsonNode c = Fixtures.json("synthetic-cases.json").get(name);
        TensorMetrics m = compareVectors(floats(c.get("a")), floats(c.get("b")), new Analyzer(1));

        Fixtures.assertMatches(name + " (" + c.get("why").asText() + ")", Fixtures.Reference.ofObject(c.get("reference")),
                m, Fixtures.NEARLY_PARALLEL_ANGLE_REL_TOL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rescaled", "nearly-parallel", "tripled-plus-one-ulp"})
    void nearlyParallelAnglesMatchTheReferenceWhereAcosFails(String name) {
        JsonNode c = Fixtures.json("synthetic-cases.json").get(name);
        float[] a = floats(c.get("a"));
        float[] b = floats(c.get("b"));
        double expected = c.get("reference").get("angle_rad").asDouble();

        MetricSums s = MetricSums.of(a, b, a.length);
        double acos = Math.acos(Math.min(1, s.sumProduct() / (s.baseNorm() * s.tunedNorm())));
        assertTrue(Math.abs(acos - expected) > 1e-3 * expected,
                "the case must be one where acos(cosine) fails: " + acos + " vs " + expected);

        double angle = compareVectors(a, b, new Analyzer(1)).angleRad();
        assertTrue(expected > 0 && expected < 1e-6, "a tiny angle: " + expected);
        assertEquals(expected, angle, Fixtures.NEARLY_PARALLEL_ANGLE_REL_TOL * expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rescaled", "tripled-plus-one-ulp"})
    void rescaledTensorsTakeASecondPassWhereTheClosedFormsCancel(String name) {
        JsonNode c = Fixtures.json("synthetic-cases.json").get(name);
        float[] a = floats(c.get("a"));
        float[] b = floats(c.get("b"));
        double expected = c.get("reference").get("angle_rad").asDouble();

        MetricSums s = MetricSums.of(a, b, a.length);
        assertFalse(s.isClosedFormAccurate(), "the closed forms cancel to noise here");
        double closedForm = 2 * Math.atan2(Math.sqrt(s.closedFormUnitDiffSq()),
                Math.sqrt(4 - s.closedFormUnitDiffSq()));
        assertTrue(Math.abs(closedForm - expected) > 1e-3 * expected, "closed form " + closedForm);

        assertEquals(expected, compareVectors(a, b, new Analyzer(1, 7)).angleRad(),
                Fixtures.NEARLY_PARALLEL_ANGLE_REL_TOL * expected);
    }

    @Test
    void smallChangesNeedNoSecondPass() {
        JsonNode c = Fixtures.json("synthetic-cases.json").get("nearly-parallel");
        float[] a = floats(c.get("a"));
        float[] b = floats(c.get("b"));

        MetricSums s = MetricSums.of(a, b, a.length);
        assertTrue(s.isClosedFormAccurate());
        double u = s.closedFormUnitDiffSq();
        assertEquals(c.get("reference").get("angle_rad").asDouble(), 2 * Math.atan2(Math.sqrt(u), Math.sqrt(4 - u)),
                Fixtures.ANGLE_REL_TOL * c.get("reference").get("angle_rad").asDouble());
    }

    @Test
    void angleIsZeroForIdenticalTensors() {
        ModelComparison c = new Analyzer(2, 500).compare(Fixtures.base(), "base", Fixtures.base(), "again",
                Fixtures::locate, Progress.NONE);

        for (TensorComparison t : c.tensors()) {
            TensorMetrics m = t.metrics();
            assertEquals(0.0, m.meanAbsDelta(), 0.0, t.name());
            assertEquals(0.0, m.fracChanged(), 0.0, t.name());
            assertEquals(0.0, m.maxAbsDelta(), 0.0, t.name());
            if (t.name().equals("classifier.bias")) {
                assertTrue(Double.isNaN(m.angleRad()), "an all-zero tensor has no angle");
                assertEquals("both tensors are all zeros", m.note());
            } else {
                assertEquals(0.0, m.angleRad(), 0.0, t.name());
                assertEquals(1.0, m.cosine(), 0.0, t.name());
                assertNull(m.note(), t.name());
            }
        }
    }

    @Test
    void allZeroTensorsHaveNoAngleAndSayWhy() {
        float[] values = {0.5f, -0.25f, 1f};
        float[] zeros = new float[3];
        Analyzer analyzer = new Analyzer(1);

        TensorMetrics zeroBase = compareVectors(zeros, values, analyzer);
        assertTrue(Double.isNaN(zeroBase.angleRad()));
        assertTrue(Double.isNaN(zeroBase.cosine()));
        assertTrue(Double.isNaN(zeroBase.relL1()));
        assertTrue(Double.isNaN(zeroBase.relL2()));
        assertEquals("base tensor is all zeros", zeroBase.note());
        assertEquals("base tensor is all zeros", zeroBase.angleNote());
        assertEquals(Math.sqrt(0.25 + 0.0625 + 1), zeroBase.l2(), 1e-15);

        TensorMetrics zeroTuned = compareVectors(values, zeros, analyzer);
        assertTrue(Double.isNaN(zeroTuned.angleRad()));
        assertEquals(1.0, zeroTuned.relL2(), 1e-15);
        assertEquals(1.0, zeroTuned.fracZero(), 0.0);
        assertEquals("tuned tensor is all zeros", zeroTuned.note());
    }

    @Test
    void anEmptyTensorGivesNaNNotACrash() {
        InMemoryCheckpoint a = InMemoryCheckpoint.builder("a").add("e", DType.F32, new long[] {0, 4}, new float[0])
                .build();
        TensorMetrics m = new Analyzer(2).compare(a, "a", a, "b", n -> Optional.empty(), Progress.NONE).tensors()
                .get(0).metrics();
        assertEquals(0, m.numel());
        assertTrue(Double.isNaN(m.meanAbsDelta()));
        assertEquals("empty tensor", m.note());
    }

    @Test
    void chunkedParallelResultEqualsSingleThreadedResultExactly() {
        InMemoryCheckpoint base = Fixtures.base();
        InMemoryCheckpoint tuned = Fixtures.tuned();
        ModelComparison one = new Analyzer(1, 333).compare(base, "b", tuned, "t", Fixtures::locate, Progress.NONE);
        ModelComparison four = new Analyzer(4, 333).compare(base, "b", tuned, "t", Fixtures::locate, Progress.NONE);
        assertEquals(one, four);

        // another chunk size sums in another order: equal to rounding
        ModelComparison whole = new Analyzer(3, 1 << 20).compare(base, "b", tuned, "t", Fixtures::locate,
                Progress.NONE);
        for (int i = 0; i < one.tensors().size(); i++) {
            TensorMetrics x = one.tensors().get(i).metrics();
            TensorMetrics y = whole.tensors().get(i).metrics();
            assertEquals(x.l2(), y.l2(), 1e-13 * x.l2());
            assertEquals(x.fracChanged(), y.fracChanged(), 0.0);
            assertEquals(x.maxAbsDelta(), y.maxAbsDelta(), 0.0);
        }
    }

    @Test
    void readsOneChunkAtATimeAndNeverAWholeTensor() {
        InMemoryCheckpoint base = Fixtures.base();
        InMemoryCheckpoint tuned = Fixtures.tuned();
        new Analyzer(2, 256).compare(base, "b", tuned, "t", Fixtures::locate, Progress.NONE);

        // the word embeddings have 3200 entries: read in chunks of 256, never whole (toFloatArray would throw)
        assertEquals(256, base.largestRead());
        assertEquals(256, tuned.largestRead());
    }

    @Test
    void progressReportsBytesUpToTheTotal() {
        List<long[]> updates = Collections.synchronizedList(new ArrayList<>());
        Progress progress = new Progress() {
            @Override
            public void update(long done, long total, String what) {
                updates.add(new long[] {done, total});
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        };
        new Analyzer(2, 512).compare(Fixtures.base(), "b", Fixtures.tuned(), "t", Fixtures::locate, progress);

        // 23 586 F32 entries and 64 I64 position_ids present in both, read on both sides
        long total = 2 * (23586L * 4 + 64 * 8);
        long last = -1;
        for (long[] u : updates) {
            assertTrue(u[0] >= last, "done never goes back");
            assertEquals(total, u[1]);
            last = u[0];
        }
        assertEquals(total, last);
    }

    @Test
    void cancellingStopsTheAnalysis() {
        AtomicInteger updates = new AtomicInteger();
        Progress cancelAfterThree = new Progress() {
            @Override
            public void update(long done, long total, String what) {
                updates.incrementAndGet();
            }

            @Override
            public boolean isCancelled() {
                return updates.get() >= 3;
            }
        };
        Analyzer analyzer = new Analyzer(2, 64);
        assertThrows(CancellationException.class, () -> analyzer.compare(Fixtures.base(), "b", Fixtures.tuned(), "t",
                Fixtures::locate, cancelAfterThree));
        assertTrue(updates.get() < 10, "stopped soon after the request: " + updates.get() + " chunks");
    }

    @Test
    void shapeMismatchNamesTheTensorAndBothShapes() {
        InMemoryCheckpoint tuned = Fixtures.tuned().with(QUERY, DType.F32, new long[] {32, 16}, new float[512]);

        CheckpointException e = assertThrows(CheckpointException.class, () -> new Analyzer(2).compare(Fixtures.base(),
                "base", tuned, "tuned", Fixtures::locate, Progress.NONE));

        assertEquals(QUERY + ": shape [32, 32] in base, [32, 16] in tuned", e.problem());
        assertEquals(tuned.source(), e.file());
    }

    @Test
    void aReadErrorReachesTheCallerAsItIs() {
        CheckpointException broken = new CheckpointException(Path.of("tuned.safetensors"), "data past the end");
        Checkpoint tuned = new FailingCheckpoint(Fixtures.tuned(), QUERY, broken);

        CheckpointException e = assertThrows(CheckpointException.class, () -> new Analyzer(3, 100)
                .compare(Fixtures.base(), "b", tuned, "t", Fixtures::locate, Progress.NONE));
        assertSame(broken, e);
    }

    @Test
    void nanValuesMakeNaNMetricsAndCountAsChanged() {
        float[] a = {1f, 2f, Float.NaN, 4f};
        float[] b = {1f, 2f, Float.NaN, 5f};
        TensorMetrics m = compareVectors(a, b, new Analyzer(1));

        assertTrue(Double.isNaN(m.l2()));
        assertTrue(Double.isNaN(m.maxAbsDelta()));
        assertTrue(Double.isNaN(m.angleRad()));
        assertEquals(0.5, m.fracChanged(), 0.0, "NaN differs from NaN");
        assertEquals("tensor holds NaN or infinite values", m.note());
    }

    @Test
    void constructorRefusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Analyzer(0));
        assertThrows(IllegalArgumentException.class, () -> new Analyzer(1, 0));
        Analyzer a = new Analyzer(3, 4096);
        assertEquals(3, a.threads());
        assertEquals(4096, a.chunkElements());
        assertNotEquals(0, Analyzer.withAvailableProcessors().threads());
    }

    static TensorMetrics compareVectors(float[] a, float[] b, Analyzer analyzer) {
        InMemoryCheckpoint base = InMemoryCheckpoint.builder("a").add("v", a).build();
        InMemoryCheckpoint tuned = InMemoryCheckpoint.builder("b").add("v", b).build();
        return analyzer.compareTensors(base.tensor("v"), tuned.tensor("v"), Progress.NONE);
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.parseFloat(array.get(i).asText());
        }
        return out;
    }

    /** A checkpoint whose one tensor fails on read, as a truncated file would. */
    private record FailingCheckpoint(Checkpoint inner, String failing, CheckpointException error)
            implements Checkpoint {

        @Override
        public Path source() {
            return inner.source();
        }

        @Override
        public List<String> tensorNames() {
            return inner.tensorNames();
        }

        @Override
        public boolean contains(String name) {
            return inner.contains(name);
        }

        @Override
        public Tensor tensor(String name) {
            Tensor t = inner.tensor(name);
            if (!name.equals(failing)) {
                return t;
            }
            return new Tensor() {
                @Override
                public String name() {
                    return t.name();
                }

                @Override
                public DType dtype() {
                    return t.dtype();
                }

                @Override
                public long[] shape() {
                    return t.shape();
                }

                @Override
                public ByteBuffer bytes(long from, int count) {
                    throw error;
                }
            };
        }

        @Override
        public Map<String, String> metadata() {
            return inner.metadata();
        }

        @Override
        public void close() {
        }
    }
}
