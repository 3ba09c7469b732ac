package dev.finescope.cli;

import dev.finescope.analysis.Analyzer;
import dev.finescope.analysis.Metric;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.common.Progress;
import dev.finescope.plan.ModelLayout;
import dev.finescope.plan.Plan;
import dev.finescope.plan.Presets;
import dev.finescope.run.PlanSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code --plan} names: a plan file, or one of the presets by name, so that a quick run needs no plan file
 * ({@code --plan full}, {@code --plan sparsify-encoder:0.1}). Presets that depend on the model's tensors are
 * built from the base's headers.
 */
final class PlanChoice {

    static final String PRESETS = "full, head-only, biases-only, freeze-embeddings, sparsify-encoder:S "
            + "(S the share of zeros, e.g. 0.1), l0-close:K:METRIC:TUNED (train only the K matrices that moved "
            + "most, by METRIC, in the fine-tuned model TUNED; the rest frozen)";

    private PlanChoice() {
    }

    static PlanSource resolve(String value, Path base) {
        Path file = Path.of(value);
        if (Files.isRegularFile(file)) {
            return PlanSource.file(file);
        }
        String key = value.trim().toLowerCase(Locale.ROOT);
        switch (key) {
            case "full":
                return PlanSource.of(Presets.fullFineTuning());
            case "head-only":
                return PlanSource.of(Presets.headOnly());
            case "biases-only":
            case "bitfit":
                return PlanSource.of(Presets.biasesOnly());
            case "freeze-embeddings":
                return PlanSource.of(Presets.freezeEmbeddings(layout(base, value)));
            default:
                break;
        }
        if (key.startsWith("sparsify-encoder:")) {
            String s = key.substring("sparsify-encoder:".length());
            double sparsity;
            try {
                sparsity = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new BadInputException("--plan " + value + ": '" + s + "' is not a number");
            }
            if (!(sparsity > 0 && sparsity < 1)) {
                throw new BadInputException("--plan " + value + ": the share of zeros must lie strictly between 0 "
                        + "and 1");
            }
            return PlanSource.of(Presets.sparsifyEncoder(layout(base, value), sparsity));
        }
        if (key.startsWith("l0-close:")) {
            return PlanSource.of(l0Close(value, base));
        }
        if (value.endsWith(".json") || value.contains("/")) {
            throw new BadInputException(value + ": no such plan file");
        }
        throw new BadInputException("--plan " + value + " is neither a plan file nor a preset (" + PRESETS + ")");
    }

    /** {@code l0-close:K:METRIC:TUNED}: the paper's L0-close plan from the distances of an earlier fine-tune. */
    private static Plan l0Close(String value, Path base) {
        String[] parts = value.trim().split(":", 4);
        if (parts.length != 4 || parts[3].isBlank()) {
            throw new BadInputException("--plan " + value + ": expected l0-close:K:METRIC:TUNED, e.g. "
                    + "l0-close:4:rel_l2:runs/full/overlay.safetensors");
        }
        int k;
        Metric metric;
        try {
            k = Integer.parseInt(parts[1]);
            metric = Metric.fromId(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--plan " + value + ": " + e.getMessage());
        }
        if (k < 1) {
            throw new BadInputException("--plan " + value + ": K must be at least 1");
        }
        if (base == null) {
            throw new BadInputException("--plan " + value + " needs the base model (--base or the spec's base)");
        }
        try (ModelFolder b = Models.open(base); ModelFolder t = Models.open(Path.of(parts[3]))) {
            ModelComparison c = Analyzer.withAvailableProcessors().compare(b.weights(), b.label(), t.weights(),
                    t.label(), NameMap.standard(), Progress.NONE);
            return Presets.l0Close(c, metric, k);
        } catch (CheckpointException e) {
            throw new BadInputException("--plan " + value + ": " + e.getMessage(), e);
        }
    }

    private static ModelLayout layout(Path base, String preset) {
        if (base == null) {
            throw new BadInputException("--plan " + preset + " needs the base model (--base or the spec's base)");
        }
        try (Checkpoint c = Checkpoints.open(base)) {
            return ModelLayout.of(c, NameMap.standard()::locate);
        } catch (CheckpointException e) {
            throw new BadInputException("--plan " + preset + ": " + e.getMessage(), e);
        }
    }
}
