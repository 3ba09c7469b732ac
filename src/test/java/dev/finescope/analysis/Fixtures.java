package dev.finescope.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finescope.checkpoint.GridPosition;
import dev.finescope.checkpoint.NameMap;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tiny BERT fixtures of {@code src/test/python/make_fixtures.py} and its reference values, with the named
 * tolerances the analysis tests compare by.
 */
final class Fixtures {

    static final String DIR = "/fixtures/tiny-bert/";

    /**
     * Relative tolerance for sums-based metrics: both sides sum the same doubles, in different orders
     * (numpy pairwise, ours chunk by chunk); the references are written to 13 significant digits.
     */
    static final double SUMS_REL_TOL = 1e-9;
    /** Absolute tolerance for the cosine, which lives near 1. */
    static final double COSINE_ABS_TOL = 1e-12;
    /** Relative tolerance for angles: the closed forms are trusted to about 1e-10 relative. */
    static final double ANGLE_REL_TOL = 1e-9;
    /** Relative tolerance for the angle of nearly parallel pairs, where acos(cosine) is off by far more. */
    static final double NEARLY_PARALLEL_ANGLE_REL_TOL = 1e-6;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final NameMap NAMES = NameMap.standard();

    private Fixtures() {
    }

    /** Grid positions by FineScope's own name map. */
    static Optional<GridPosition> locate(String name) {
        return NAMES.locate(name);
    }

    static InMemoryCheckpoint base() {
        return InMemoryCheckpoint.fromSafetensorsResource(DIR + "base/model.safetensors");
    }

    static InMemoryCheckpoint tuned() {
        return InMemoryCheckpoint.fromSafetensorsResource(DIR + "tuned/model.safetensors");
    }

    /** The tuned model of a reference pair: base-vs-tuned, base-vs-tuned-f16, base-vs-tuned-bf16. */
    static InMemoryCheckpoint tunedOfPair(String pair) {
        return switch (pair) {
            case "base-vs-tuned" -> tuned();
            case "base-vs-tuned-f16" -> InMemoryCheckpoint.fromSafetensorsResource(DIR + "tuned-f16.safetensors");
            case "base-vs-tuned-bf16" -> InMemoryCheckpoint.fromSafetensorsResource(DIR + "tuned-bf16.safetensors");
            default -> throw new IllegalArgumentException(pair);
        };
    }

    static JsonNode json(String file) {
        try (InputStream in = Fixtures.class.getResourceAsStream(DIR + file)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + file);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Reference metrics as written by the script: one number per metric, NaN for null. */
    record Reference(long numel, Map<Metric, Double> values) {

        /** A row of the script's columnar layout, whose column names are {@code columns}. */
        static Reference of(JsonNode columns, JsonNode row) {
            long numel = -1;
            Map<Metric, Double> values = new EnumMap<>(Metric.class);
            for (int i = 0; i < columns.size(); i++) {
                String column = columns.get(i).asText();
                JsonNode v = row.get(i);
                if (column.equals("numel")) {
                    numel = v.asLong();
                } else {
                    values.put(Metric.fromId(column), v.isNull() ? Double.NaN : v.asDouble());
                }
            }
            return new Reference(numel, values);
        }

        /** An object keyed by metric id (the synthetic cases). */
        static Reference ofObject(JsonNode object) {
            Map<Metric, Double> values = new EnumMap<>(Metric.class);
            for (Metric m : Metric.values()) {
                JsonNode v = object.get(m.id());
                values.put(m, v.isNull() ? Double.NaN : v.asDouble());
            }
            return new Reference(object.get("numel").asLong(), values);
        }

        double get(Metric m) {
            return values.get(m);
        }
    }

    /** Asserts every metric against the reference with the named tolerances; counts exactly. */
    static void assertMatches(String what, Reference ref, TensorMetrics actual, double angleRelTol) {
        assertEquals(ref.numel(), actual.numel(), what + ": numel");
        for (Metric m : Metric.values()) {
            double expected = ref.get(m);
            double got = m.of(actual);
            String label = what + ": " + m.id();
            if (Double.isNaN(expected)) {
                assertTrue(Double.isNaN(got), label + " should be NaN, was " + got);
                continue;
            }
            switch (m) {
                case FRAC_CHANGED, FRAC_ZERO -> assertEquals(Math.round(expected * ref.numel()),
                        Math.round(got * actual.numel()), label + " (as a count)");
                case COSINE -> assertEquals(expected, got, COSINE_ABS_TOL, label);
                default -> {
                    if (expected == 0) {
                        assertEquals(0.0, got, 0.0, label + " should be exactly 0");
                    } else {
                        double tol = m == Metric.ANGLE_RAD ? angleRelTol : SUMS_REL_TOL;
                        assertEquals(expected, got, tol * Math.abs(expected), label);
                    }
                }
            }
        }
    }
}
