package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.SafetensorsWriter;
import dev.finescope.train.TinyRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code finescope eval} on the tiny BERT, whose {@code classifier.*} head makes it a two-class model as a Hugging
 * Face {@code BertForSequenceClassification} folder is one.
 */
class EvalCommandTest {

    @TempDir
    Path dir;

    private static CliRun eval(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("eval", "--model", TinyRuns.BASE.toString(),
                "--data", TinyRuns.TASK.toString(), "--task", "SST-2", "--max-len", "32", "--device", "cpu"));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void printsTheTasksMetricsAndWritesOneRowPerExample() throws IOException {
        Path predictions = dir.resolve("out/predictions.csv");
        CliRun run = eval("--predictions", predictions.toString(), "--json");
        assertEquals(0, run.code(), run.err());
        JsonNode dev = new ObjectMapper().readTree(run.out()).get("dev");
        List<String> rows = Files.readAllLines(predictions);
        assertEquals("index,label,prediction,logit_0,logit_1", rows.get(0));
        assertEquals(13, rows.size());
        long right = 0;
        for (int i = 1; i < rows.size(); i++) {
            String[] cells = rows.get(i).split(",");
            assertEquals(Integer.toString(i - 1), cells[0]);
            float l0 = Float.parseFloat(cells[3]);
            float l1 = Float.parseFloat(cells[4]);
            assertEquals(l1 > l0 ? "1" : "0", cells[2], "prediction is the arg-max of the logits");
            if (cells[1].equals(cells[2])) {
                right++;
            }
        }
        assertEquals(right / 12.0, dev.get("accuracy").asDouble());
        assertTrue(dev.get("loss").asDouble() > 0);
        List<String> devLabels = Files.readAllLines(TinyRuns.TASK.resolve("dev.tsv")).stream().skip(1)
                .map(l -> l.substring(l.lastIndexOf('\t') + 1)).toList();
        assertEquals(devLabels, rows.stream().skip(1).map(r -> r.split(",")[1]).toList());
    }

    @Test
    void theHumanReadableLineNamesSplitCountAndMetrics() {
        CliRun run = eval();
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().matches("dev \\(12 examples\\): accuracy 0\\.\\d{4}, loss \\d\\.\\d{4}\\R"), run.out());
    }

    @Test
    void aModelWithoutATaskHeadIsRefusedInOneLine() throws IOException {
        Path model = Files.createDirectories(dir.resolve("no-head"));
        Files.copy(TinyRuns.BASE.resolve("config.json"), model.resolve("config.json"));
        Files.copy(TinyRuns.BASE.resolve("vocab.txt"), model.resolve("vocab.txt"));
        try (Checkpoint c = Checkpoints.open(TinyRuns.BASE.resolve("model.safetensors"))) {
            SafetensorsWriter w = new SafetensorsWriter();
            c.tensorNames().stream().filter(n -> !n.startsWith("classifier.")).forEach(n -> w.addCopy(c.tensor(n)));
            w.write(model.resolve("model.safetensors"));
        }
        CliRun run = CliRun.of("eval", "--model", model.toString(), "--data", TinyRuns.TASK.toString(), "--task",
                "SST-2", "--max-len", "32");
        assertEquals(2, run.code());
        assertEquals(List.of("finescope: " + model.resolve("model.safetensors") + ": has no task head "
                + "(classifier.weight and classifier.bias); evaluate a fine-tuned model, or train one with "
                + "finescope train"), run.errLines());
    }

    @Test
    void aHeadOfAnotherTaskIsRefused() {
        CliRun run = CliRun.of("eval", "--model", TinyRuns.BASE.toString(), "--data", TinyRuns.TASK.toString(),
                "--task", "MNLI");
        assertEquals(2, run.code());
        assertEquals(List.of("finescope: " + TinyRuns.BASE.resolve("model.safetensors") + ": the task head has 2 "
                + "outputs but the task needs 3"), run.errLines());
    }
}
