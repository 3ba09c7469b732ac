package dev.finescope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.common.AtomicFiles;
import dev.finescope.common.Csv;
import dev.finescope.run.Device;
import dev.finescope.run.RunException;
import dev.finescope.train.Evaluator;
import dev.finescope.train.TaskData;
import dev.finescope.train.TaskModel;
import dev.finescope.train.TrainingRun;
import dev.finescope.train.data.DataException;
import dev.finescope.train.data.Split;
import dev.finescope.train.data.Task;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finescope eval}: the task metrics of a model with a task head on labelled task data, computed as a
 * training run's own evaluation computes them (same batching, same metrics), so a result can be checked or
 * compared outside the run that made it. {@code --predictions} writes one CSV row per example for use elsewhere.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score a fine-tuned model (a folder with a classifier.* head, e.g. a Hugging Face "
                + "BertForSequenceClassification, or a run's overlay) on a GLUE task's labelled data and print its "
                + "metrics."})
final class EvalCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    private CommandSpec spec;

    @OutputPaths.Reads
    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "The model folder (config.json, weights with classifier.*, vocab.txt or tokenizer.json), "
                    + "or a run's overlay (base ⊕ overlay, the base found from the overlay).")
    private Path model;

    @OutputPaths.Reads
    @Option(names = "--base", paramLabel = "PATH",
            description = "With an overlay as --model: its base model, when it is not where the overlay says and "
                    + "not found by its fingerprint (checked against it); builtin:NAME for a built-in model.")
    private Path base;

    @OutputPaths.Reads
    @Option(names = "--data", required = true, paramLabel = "PATH",
            description = "A GLUE folder, the task's folder, or one labelled file in the task's layout.")
    private Path data;

    @Option(names = "--task", required = true, paramLabel = "NAME",
            description = "The GLUE task: CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE, WNLI.")
    private String task;

    @Option(names = "--split", defaultValue = "dev", paramLabel = "NAME",
            description = "For a folder: dev (default; MNLI: both), train, test (if labelled), or a file's name "
                    + "such as dev_mismatched.")
    private String split;

    @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N",
            description = "Examples per forward pass (default ${DEFAULT-VALUE}); use the run's own to reproduce "
                    + "its numbers bit for bit.")
    private int batchSize;

    @Option(names = "--max-len", defaultValue = "128", paramLabel = "N",
            description = "Tokens per example at most (default ${DEFAULT-VALUE}).")
    private int maxLength;

    @OutputPaths.Writes
    @Option(names = "--predictions", paramLabel = "FILE",
            description = "Write index,label,prediction,logit_0,logit_1,… per example of the (first) split.")
    private Path predictions;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu",
            description = "Where to run (default ${DEFAULT-VALUE}).")
    private String device;

    @Option(names = "--json", description = "Print the metrics as one JSON object, split → metric → value.")
    private boolean json;

    @Option(names = "--debug", description = "Show the stack trace of a failure.")
    private boolean debug;

    @Override
    public Integer call() throws IOException {
        Task t = Task.fromName(task).orElseThrow(() -> new BadInputException("unknown GLUE task '" + task
                + "' (one of CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE, WNLI)"));
        if (batchSize < 1 || maxLength < 2) {
            throw new BadInputException("--batch-size must be at least 1 and --max-len at least 2");
        }
        try (OutputPaths paths = OutputPaths.of().input("model", model).input("base model", base)
                .input("data file", data)
                .fileInNewFolder("--predictions", predictions).check()) {
            return evaluate(t);
        }
    }

    private int evaluate(Task t) throws IOException {
        TrainCommand.useAllCores();
        int outputs = t.isRegression() ? 1 : t.labels().size();
        List<Evaluator.Result> results;
        List<Split> splits;
        try {
            Device d = Device.fromJsonName(device);
            try (TaskModel m = base == null ? TaskModel.open(model, outputs, TrainingRun.device(d))
                    : TaskModel.open(Models.openOverlay(base, model), outputs, TrainingRun.device(d))) {
                splits = TaskData.readForEvaluation(data, t, split);
                if (predictions != null) {
                    m.requireOutside(predictions);
                }
                results = m.evaluate(splits, batchSize, maxLength, t.metrics());
            }
        } catch (CheckpointException | DataException | RunException e) {
            throw new BadInputException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode root = JSON.createObjectNode();
            for (Evaluator.Result r : results) {
                ObjectNode m = root.putObject(r.split());
                r.metrics().forEach((k, v) -> {
                    if (Double.isNaN(v) || Double.isInfinite(v)) {
                        m.put(k, Double.toString(v));
                    } else {
                        m.put(k, v);
                    }
                });
            }
            out.println(JSON.writeValueAsString(root));
        } else {
            for (int i = 0; i < results.size(); i++) {
                Evaluator.Result r = results.get(i);
                List<String> parts = new ArrayList<>();
                r.metrics().forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %.4f", k, v)));
                out.println(r.split() + " (" + splits.get(i).size() + " examples): " + String.join(", ", parts));
            }
        }
        if (predictions != null) {
            writePredictions(predictions, splits.get(0), results.get(0), t);
            if (!json) {
                out.println("wrote " + predictions);
            }
        }
        return 0;
    }

    /** {@code index,label,prediction,logit_0,…}: label names as in the data, the index counting from 0. */
    static void writePredictions(Path file, Split split, Evaluator.Result r, Task task) {
        StringBuilder sb = new StringBuilder("index,label,prediction");
        int outputs = r.logits().length == 0 ? 0 : r.logits()[0].length;
        for (int k = 0; k < outputs; k++) {
            sb.append(",logit_").append(k);
        }
        sb.append('\n');
        for (int i = 0; i < r.logits().length; i++) {
            var e = split.examples().get(i);
            sb.append(i).append(',');
            if (task.isRegression()) {
                sb.append(e.target()).append(',').append((float) r.predictions()[i]);
            } else {
                sb.append(Csv.field(task.labels().name(e.classId()))).append(',')
                        .append(Csv.field(task.labels().name((int) r.predictions()[i])));
            }
            for (float v : r.logits()[i]) {
                sb.append(',').append(v);
            }
            sb.append('\n');
        }
        try {
            AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot write: " + e.getMessage(), e);
        }
    }
}
