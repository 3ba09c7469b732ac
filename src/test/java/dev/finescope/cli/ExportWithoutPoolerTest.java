package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.SafetensorsWriter;
import dev.finescope.checkpoint.overlay.HuggingFaceExport;
import dev.finescope.common.Progress;
import dev.finescope.plan.Presets;
import dev.finescope.run.DataSpec;
import dev.finescope.run.Device;
import dev.finescope.run.PlanSource;
import dev.finescope.run.RunSpec;
import dev.finescope.train.TinyRuns;
import dev.finescope.train.TrainingRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fine-tune of a base without a pooler (as the built-in MiniLM, a sentence-transformers model, is) exports as a
 * complete {@code BertForSequenceClassification}: a plain PyTorch BERT of that class's layout
 * ({@code src/test/python/bert_classifier_check.py}) loads it strictly and scores the dev sentences as
 * {@code finescope eval} scores the run's overlay.
 */
class ExportWithoutPoolerTest {

    /**
     * Two float32 forwards of the tiny BERT (2 layers, hidden 32) differ by summation order only, about 1e-6 of
     * logits of order 1; the exported pooler's tanh changes the [CLS] state by (2^-16·h)²/3 < 1e-8 of it. 1e-5
     * leaves ten times room and still catches any wrong or missing tensor, which moves logits by 1e-2 or more.
     */
    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    @BeforeEach
    void cache() {
        TinyRuns.cacheIn(dir.resolve("cache"));
    }

    @AfterEach
    void noCache() {
        TinyRuns.clearCache();
    }

    /** The tiny BERT without {@code bert.pooler.*}. */
    private Path baseWithoutPooler() throws IOException {
        Path base = Files.createDirectories(dir.resolve("no-pooler"));
        Files.copy(TinyRuns.BASE.resolve("config.json"), base.resolve("config.json"));
        Files.copy(TinyRuns.BASE.resolve("vocab.txt"), base.resolve("vocab.txt"));
        try (Checkpoint c = Checkpoints.open(TinyRuns.BASE.resolve("model.safetensors"))) {
            SafetensorsWriter w = new SafetensorsWriter();
            c.tensorNames().stream().filter(n -> !n.contains("pooler")).forEach(n -> w.addCopy(c.tensor(n)));
            w.write(base.resolve("model.safetensors"));
        }
        return base;
    }

    private static CliRun eval(Path model, Path predictions) {
        return CliRun.of("eval", "--model", model.toString(), "--data", TinyRuns.TASK.toString(), "--task", "SST-2",
                "--max-len", "32", "--device", "cpu", "--predictions", predictions.toString());
    }

    /** The logits of a predictions CSV, row by row. */
    private static List<double[]> logits(Path csv) throws IOException {
        List<double[]> out = new ArrayList<>();
        for (String row : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
            String[] cells = row.split(",");
            out.add(new double[] {Double.parseDouble(cells[3]), Double.parseDouble(cells[4])});
        }
        return out;
    }

    private static double maxDifference(List<double[]> a, List<double[]> b) {
        assertEquals(a.size(), b.size());
        double worst = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int k = 0; k < a.get(i).length; k++) {
                worst = Math.max(worst, Math.abs(a.get(i)[k] - b.get(i)[k]));
            }
        }
        return worst;
    }

    @Test
    void aFineTuneOfABaseWithoutAPoolerExportsAndScoresAsTrained() throws Exception {
        Path base = baseWithoutPooler();
        Path run = dir.resolve("run");
        RunSpec spec = new RunSpec("no pooler", base, DataSpec.glue(TinyRuns.TASK, "SST-2"),
                PlanSource.of(Presets.fullFineTuning()), TinyRuns.FEW_STEPS, Device.CPU, run);
        try (TrainingRun r = TrainingRun.prepare(spec)) {
            r.runInFolder(null, null, Progress.NONE);
        }
        Path overlay = run.resolve("overlay.safetensors");
        Path out = dir.resolve("exported");
        CliRun export = CliRun.of("export", "--base", base.toString(), "--overlay", overlay.toString(), "--out",
                out.toString());
        assertEquals(0, export.code(), export.err());
        JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertTrue(config.get(HuggingFaceExport.POOLER_NOTE_KEY).asText().startsWith("made by FineScope's export"));
        try (Checkpoint exported = Checkpoints.open(out.resolve("model.safetensors"))) {
            assertEquals(new TreeSet<>(HuggingFaceExport.expectedNames(2)), new TreeSet<>(exported.tensorNames()));
        }

        Path ours = dir.resolve("overlay.csv");
        assertEquals(0, eval(overlay, ours).code());
        Path again = dir.resolve("exported.csv");
        CliRun onExport = eval(out, again);
        assertEquals(0, onExport.code(), onExport.err());
        double ourEngine = maxDifference(logits(ours), logits(again));
        assertTrue(ourEngine <= TOLERANCE, "our engine on the export vs the overlay: " + ourEngine);

        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python) && runs(python, "-c", "import torch, numpy"),
                "skipped: /usr/bin/python3 with torch and numpy (Debian's python3-torch) is not installed, so the "
                        + "export cannot be loaded into an independent PyTorch BERT here");
        Process p = new ProcessBuilder(python.toString(), "src/test/python/bert_classifier_check.py", out.toString(),
                TinyRuns.TASK.resolve("dev.tsv").toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        JsonNode result = new ObjectMapper().readTree(output);
        List<String> keys = new ArrayList<>();
        result.get("keys").forEach(k -> keys.add(k.asText()));
        assertEquals(new TreeSet<>(HuggingFaceExport.expectedNames(2)), new TreeSet<>(keys),
                "loaded strictly: exactly the keys of BertForSequenceClassification");
        List<double[]> torch = new ArrayList<>();
        result.get("logits").forEach(row -> torch.add(new double[] {row.get(0).asDouble(), row.get(1).asDouble()}));
        double independent = maxDifference(logits(ours), torch);
        System.out.printf("largest |logit difference| from eval of the overlay: our engine on the export %.2e, "
                + "PyTorch on the export %.2e%n", ourEngine, independent);
        assertTrue(independent <= TOLERANCE, "PyTorch on the export vs eval of the overlay: " + independent);
        assertFalse(logits(ours).isEmpty());
    }

    private static boolean runs(Path python, String... args) {
        try {
            List<String> command = new ArrayList<>(List.of(python.toString()));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
