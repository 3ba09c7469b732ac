package dev.finescope.sweep;

import dev.finescope.plan.Action;
import dev.finescope.plan.MatrixCell;
import dev.finescope.plan.ModelLayout;
import dev.finescope.plan.Plan;
import dev.finescope.plan.PlanException;
import dev.finescope.plan.PlanJson;
import dev.finescope.plan.Presets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One entry of a sweep's {@code plans}: a preset by name or a saved plan file. A plan that sparsifies takes each of
 * the sweep's sparsities in turn (every SPARSIFY in it gets that share of zeros), so one plan file stands for a
 * whole curve; a plan that does not sparsify is one point of the grid.
 *
 * @param label          what tables and charts call it: the preset's name, or the plan file's name without
 *                       {@code .json}
 * @param preset         the preset, or {@code null} for a plan file
 * @param fixedSparsity  {@code sparsify-encoder:S}: the sparsity it keeps whatever the sweep's sparsities; else
 *                       {@code null}
 * @param file           the plan file (absolute), or {@code null} for a preset
 * @param filePlan       the plan file's plan, or {@code null} for a preset
 */
public record SweepPlan(String label, String preset, Double fixedSparsity, Path file, Plan filePlan) {

    /** The presets a sweep names, as the command line's {@code --plan} spells them. */
    public static final List<String> PRESETS =
            List.of("full", "head-only", "biases-only", "freeze-embeddings", "sparsify-encoder");
    static final String SPARSIFY_ENCODER = "sparsify-encoder";
    static final String KNOWN = "presets: full, head-only, biases-only, freeze-embeddings, sparsify-encoder, "
            + "sparsify-encoder:S; or a plan file (.json)";

    public SweepPlan {
        Objects.requireNonNull(label, "label");
        if ((preset == null) == (file == null)) {
            throw new IllegalArgumentException("a sweep plan is either a preset or a plan file");
        }
    }

    /**
     * What a sweep file's plan entry names; relative plan files are relative to {@code baseDir}. Problems are
     * {@link IllegalArgumentException}s whose message says what is wrong with the value (the caller names the field).
     */
    static SweepPlan parse(String value, Path baseDir) {
        String key = value.trim().toLowerCase(Locale.ROOT);
        if (key.equals("bitfit")) {
            key = "biases-only";
        }
        if (PRESETS.contains(key)) {
            return new SweepPlan(key, key, null, null, null);
        }
        if (key.startsWith(SPARSIFY_ENCODER + ":")) {
            String s = key.substring(SPARSIFY_ENCODER.length() + 1);
            double sparsity;
            try {
                sparsity = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + value + "': '" + s + "' is not a number");
            }
            checkSparsity(sparsity, "'" + value + "': the sparsity");
            return new SweepPlan(key, SPARSIFY_ENCODER, sparsity, null, null);
        }
        if (value.endsWith(".json") || value.contains("/") || value.contains("\\")) {
            Path file;
            try {
                Path p = Path.of(value);
                file = (baseDir == null || p.isAbsolute() ? p : baseDir.resolve(p)).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("'" + value + "' is not a valid path");
            }
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no such plan file: " + file);
            }
            Plan plan;
            try {
                plan = PlanJson.read(file);
            } catch (PlanException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            String name = file.getFileName().toString();
            return new SweepPlan(name.endsWith(".json") ? name.substring(0, name.length() - 5) : name, null, null,
                    file, plan);
        }
        throw new IllegalArgumentException("unknown plan '" + value + "' (" + KNOWN + ")");
    }

    /** The value a sweep file holds for this plan: the preset as written, or the plan file's absolute path. */
    String toJsonValue() {
        return file != null ? file.toString() : label;
    }

    /** Whether the sweep's sparsities apply: a preset or plan that sparsifies, without a sparsity of its own. */
    public boolean takesSparsity() {
        if (preset != null) {
            return preset.equals(SPARSIFY_ENCODER) && fixedSparsity == null;
        }
        return sparsifies(filePlan);
    }

    /**
     * The plan at {@code sparsity} ({@code null} for a plan that takes none). A sparsity of 0 leaves the masked
     * matrices as they are, i.e. frozen: the left end of a sparsity curve.
     *
     * @param layout the base model's matrices, asked for only by the presets that need them
     */
    public Plan plan(Double sparsity, Supplier<ModelLayout> layout) {
        if (file != null) {
            return sparsity == null ? filePlan : atSparsity(filePlan, sparsity)
                    .withName(named(filePlan.name().isEmpty() ? label : filePlan.name(), sparsity));
        }
        switch (preset) {
            case "full":
                return Presets.fullFineTuning();
            case "head-only":
                return Presets.headOnly();
            case "biases-only":
                return Presets.biasesOnly();
            case "freeze-embeddings":
                return Presets.freezeEmbeddings(layout.get());
            default:
                double s = fixedSparsity != null ? fixedSparsity : Objects.requireNonNull(sparsity, "sparsity");
                Plan p = Presets.sparsifyEncoder(layout.get(), 0.5);
                return atSparsity(p, s).withName(named("sparsify encoder", s));
        }
    }

    static boolean sparsifies(Plan plan) {
        return plan.defaultAction().isSparsify() || plan.cells().values().stream().anyMatch(Action::isSparsify);
    }

    /** Every SPARSIFY of {@code plan} at {@code s}; at 0, FREEZE (a mask that zeroes nothing changes nothing). */
    static Plan atSparsity(Plan plan, double s) {
        Action to = s == 0 ? Action.FREEZE : Action.sparsify(s);
        Map<MatrixCell, Action> cells = new LinkedHashMap<>();
        plan.cells().forEach((c, a) -> cells.put(c, a.isSparsify() ? to : a));
        Action d = plan.defaultAction().isSparsify() ? to : plan.defaultAction();
        return new Plan(plan.name(), d, cells, plan.biasRule(), plan.mask());
    }

    static void checkSparsity(double s, String what) {
        if (!(s >= 0 && s < 1)) {
            throw new IllegalArgumentException(what + " " + SweepRun.formatSparsity(s) + " is outside [0, 1)");
        }
    }

    private static String named(String name, double s) {
        return name + " at " + SweepRun.percent(s);
    }
}
