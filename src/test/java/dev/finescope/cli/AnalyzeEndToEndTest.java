package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finescope.analysis.Metric;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code analyze} on the tiny BERT fixture, against the numpy reference of {@code make_fixtures.py}: the CSV
 * must hold every tensor present in both models, with the reference's values, for every tuned model at once.
 */
@Tag("needs-readers")
class AnalyzeEndToEndTest {

    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/tiny-bert");

    /** Sums in a different order (numpy pairwise, ours by chunks); references hold 13 significant digits. */
    private static final double SUMS_REL_TOL = 1e-9;
    /** The cosine lives near 1: absolute. */
    private static final double COSINE_ABS_TOL = 1e-12;
    /** The fixture holds a nearly parallel pair (angle near 1e-8), where only a careful formula is this close. */
    private static final double ANGLE_REL_TOL = 1e-6;

    @TempDir
    Path dir;

    /** The pairs of the reference, in order, with the model each one compares with base. */
    private static Map<String, Path> pairs(JsonNode reference) {
        Map<String, Path> pairs = new LinkedHashMap<>();
        reference.get("pairs").fieldNames().forEachRemaining(pair -> {
            String tuned = pair.substring("base-vs-".length());
            Path folder = FIXTURE.resolve(tuned);
            pairs.put(pair, Files.isDirectory(folder) ? folder : FIXTURE.resolve(tuned + ".safetensors"));
        });
        return pairs;
    }

    private static String stem(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
    }

    @Test
    void csvHoldsEveryTensorOfEveryTunedModelWithTheReferenceValues() throws IOException {
        JsonNode reference = new ObjectMapper().readTree(FIXTURE.resolve("reference-metrics.json").toFile());
        Map<String, Path> pairs = pairs(reference);
        Path csv = dir.resolve("out.csv");
        List<String> args = new ArrayList<>(List.of("analyze", "--base", FIXTURE.resolve("base").toString(),
                "--csv", csv.toString(), "--threads", "2"));
        for (Path tuned : pairs.values()) {
            args.add("--tuned");
            args.add(tuned.toString());
        }

        CliRun run = CliRun.of(args.toArray(String[]::new));

        assertEquals(0, run.code(), run.err());
        assertEquals("", run.err());
        assertTrue(run.out().contains("only in base: cls.predictions.bias"), run.out());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(CsvReport.HEADER, lines.get(0));
        Map<String, Map<String, String[]>> byTuned = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            assertEquals(14, f.length, line);
            assertTrue(byTuned.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).put(f[1], f) == null,
                    () -> "tensor listed twice: " + line);
        }
        assertEquals(pairs.size(), byTuned.size(), byTuned.keySet().toString());

        List<String> metricNames = new ArrayList<>();
        reference.get("metrics").forEach(n -> metricNames.add(n.asText()));
        for (Map.Entry<String, Path> pair : pairs.entrySet()) {
            Map<String, String[]> rows = byTuned.get(stem(pair.getValue()));
            if (rows == null) {
                rows = byTuned.get(pair.getValue().getFileName().toString());
            }
            assertTrue(rows != null, () -> "no rows for " + pair.getKey() + " in " + byTuned.keySet());
            JsonNode expected = reference.get("pairs").get(pair.getKey());
            assertEquals(expected.size(), rows.size(), pair.getKey() + ": one row per tensor in both models");
            for (Map.Entry<String, JsonNode> tensor : iterable(expected)) {
                String[] row = rows.get(tensor.getKey());
                assertTrue(row != null, () -> pair.getKey() + ": no row for " + tensor.getKey());
                assertRowMatches(pair.getKey() + " " + tensor.getKey(), metricNames, tensor.getValue(), row);
            }
        }
        Map<String, String[]> tuned = byTuned.get("tuned");
        assertPlace(tuned, "bert.embeddings.word_embeddings.weight", "embeddings", "Word");
        assertPlace(tuned, "bert.encoder.layer.1.attention.self.value.weight", "1", "V");
        assertPlace(tuned, "bert.encoder.layer.0.output.LayerNorm.bias", "0", "OutLN");
        assertPlace(tuned, "bert.pooler.dense.weight", "pooler", "Pooler");
        assertPlace(tuned, "classifier.bias", "head", "Head");
        assertPlace(tuned, "bert.embeddings.position_ids", "", "");
    }

    @Test
    void summaryAndHeatmapsComeOutForSeveralTunedModels() throws IOException {
        Path png = dir.resolve("heat.png");
        CliRun run = CliRun.of("analyze", "--base", FIXTURE.resolve("base").toString(),
                "--tuned", FIXTURE.resolve("tuned").toString(),
                "--tuned", FIXTURE.resolve("tuned-f16.safetensors").toString(), "--png", png.toString());

        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("relative L2 — tuned vs base"), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("layer 1 ")), run.out());
        for (String name : List.of("heat-tuned.png", "heat-tuned-f16.png")) {
            BufferedImage image = ImageIO.read(dir.resolve(name).toFile());
            assertEquals(900, image.getWidth(), name);
        }
    }

    private static void assertRowMatches(String what, List<String> metricNames, JsonNode values, String[] row) {
        long numel = values.get(metricNames.indexOf("numel")).asLong();
        assertEquals(numel, Long.parseLong(row[4]), what + ": numel");
        for (int i = 0; i < Metric.values().length; i++) {
            Metric m = Metric.values()[i];
            JsonNode node = values.get(metricNames.indexOf(m.id()));
            double got = Double.parseDouble(row[5 + i]);
            String label = what + ": " + m.id();
            if (node.isNull()) {
                assertTrue(Double.isNaN(got), label + " should be NaN, was " + row[5 + i]);
                continue;
            }
            double expected = node.asDouble();
            switch (m) {
                case FRAC_CHANGED, FRAC_ZERO -> assertEquals(Math.round(expected * numel), Math.round(got * numel),
                        label + " (as a count)");
                case COSINE -> assertEquals(expected, got, COSINE_ABS_TOL, label);
                case ANGLE_RAD -> assertEquals(expected, got, ANGLE_REL_TOL * Math.abs(expected), label);
                default -> assertEquals(expected, got, SUMS_REL_TOL * Math.abs(expected), label);
            }
        }
    }

    private static void assertPlace(Map<String, String[]> rows, String tensor, String row, String column) {
        String[] f = rows.get(tensor);
        assertTrue(f != null, () -> "no row for " + tensor);
        assertEquals(row, f[2], tensor + ": row");
        assertEquals(column, f[3], tensor + ": column");
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
        return object::fields;
    }
}
