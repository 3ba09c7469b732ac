package dev.finescope.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The fixtures written by {@code src/test/python/bert_reference.py tiny}. */
final class TinyModel {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures/train");
    static final Path FOLDER = FIXTURES.resolve("tiny");

    private TinyModel() {
    }

    static FloatCheckpoint checkpoint() {
        return FloatCheckpoint.readSafetensors(FOLDER.resolve("model.safetensors"));
    }

    static BertConfig config() {
        return BertConfig.read(FOLDER.resolve("config.json"));
    }

    static JsonNode json(String name) {
        try {
            return new ObjectMapper().readTree(FIXTURES.resolve(name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long[][] longRows(JsonNode rows) {
        long[][] out = new long[rows.size()][];
        for (int r = 0; r < rows.size(); r++) {
            JsonNode row = rows.get(r);
            out[r] = new long[row.size()];
            for (int c = 0; c < row.size(); c++) {
                out[r][c] = row.get(c).asLong();
            }
        }
        return out;
    }

    /** The reference batch of a {@code reference.json}-shaped document. */
    static TokenBatch batch(JsonNode ref) {
        return TokenBatch.of(longRows(ref.get("input_ids")), longRows(ref.get("token_type_ids")),
                longRows(ref.get("attention_mask")));
    }

    /** A nested JSON array flattened row-major. */
    static float[] flat(JsonNode nested) {
        java.util.List<Float> out = new java.util.ArrayList<>();
        flatten(nested, out);
        float[] f = new float[out.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = out.get(i);
        }
        return f;
    }

    private static void flatten(JsonNode n, java.util.List<Float> out) {
        if (n.isArray()) {
            n.forEach(c -> flatten(c, out));
        } else {
            out.add((float) n.asDouble());
        }
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            m = Math.max(m, d);
        }
        return m;
    }
}
