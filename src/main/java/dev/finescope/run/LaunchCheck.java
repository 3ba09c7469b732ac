package dev.finescope.run;

import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.plan.ModelLayout;
import dev.finescope.plan.Plan;
import dev.finescope.plan.PlanException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything that would stop a run before its first step, found in one place: the launch form asks it about the
 * data and knobs as they are typed, the app about the whole spec and the base model it has open before it
 * prepares a folder, and {@code finescope train} about the spec it is given. Each problem names the spec's field
 * it concerns, so a form can show it beside that field and a command line can say it in one line.
 */
public final class LaunchCheck {

    /** The spec field of the knobs; problems of a knob are named {@code hyperParameters.<knob>}. */
    public static final String HYPER_PARAMETERS = "hyperParameters";

    /**
     * One thing that stops a run.
     *
     * @param field   the spec's field it concerns: {@code base}, {@code data.path}, {@code plan}, {@code output},
     *                {@code hyperParameters.epochs} …
     * @param message what is wrong, a clause that names the thing itself ("GLUE data folder /x does not exist")
     */
    public record Problem(String field, String message) {

        /** The message as a sentence of its own, for a form: capitalised, with a full stop. */
        public String sentence() {
            return message.isEmpty() ? message : Character.toUpperCase(message.charAt(0)) + message.substring(1)
                    + ".";
        }

        @Override
        public String toString() {
            return message;
        }
    }

    private LaunchCheck() {
    }

    /**
     * The spec on its own: the base model and the data are there, the plan can be read, the output folder holds
     * no run yet, the knobs are possible. Checking the plan against the base model's tensors needs the model
     * open: see {@link #of(RunSpec, ModelFolder)}.
     */
    public static List<Problem> of(RunSpec spec) {
        List<Problem> out = new ArrayList<>();
        if (!Files.exists(spec.base())) {
            out.add(new Problem("base", "base model " + spec.base() + " does not exist"));
        }
        out.addAll(data(spec.data()));
        PlanSource plan = spec.plan();
        if (plan.file() != null && !Files.exists(plan.file())) {
            out.add(new Problem("plan", "plan file " + plan.file() + " does not exist"));
        } else {
            try {
                plan.load();
            } catch (PlanException e) {
                out.add(new Problem("plan", e.getMessage()));
            }
        }
        Path output = spec.output();
        if (Files.exists(output) && !Files.isDirectory(output)) {
            out.add(new Problem("output", "output " + output + " is a file, not a folder"));
        } else if (Files.exists(output.resolve(RunFolder.EVENTS_FILE))) {
            out.add(new Problem("output", "output folder " + output + " already holds a run ("
                    + RunFolder.EVENTS_FILE + ")"));
        }
        for (Problem p : hyperParameters(spec.hyperParameters())) {
            // within a spec a knob is named by its path
            out.add(new Problem(p.field(), HYPER_PARAMETERS + "." + p.message()));
        }
        return out;
    }

    /**
     * The spec, and the spec against the base model it trains (open, as the app has it): the plan names only
     * matrices the model has, and no example is longer than the model's token positions.
     */
    public static List<Problem> of(RunSpec spec, ModelFolder base) {
        List<Problem> out = new ArrayList<>(of(spec));
        Plan plan;
        try {
            plan = spec.plan().load();
        } catch (PlanException e) {
            return out; // said above
        }
        NameMap names = NameMap.standard();
        for (String s : plan.problems(ModelLayout.of(base.weights(), names::locate))) {
            out.add(new Problem("plan", "the plan does not fit " + base.label() + ": " + s));
        }
        int positions = Checkpoints.tokenPositions(base.weights());
        int maxLength = spec.hyperParameters().maxLength();
        if (positions > 0 && maxLength > positions) {
            out.add(new Problem(HYPER_PARAMETERS + ".maxLength", "the maximum length " + maxLength
                    + " is longer than " + base.label() + "'s " + positions + " positions"));
        }
        return out;
    }

    /** The task data: the folder or file is there, a GLUE task is known, a file's columns are named. */
    public static List<Problem> data(DataSpec data) {
        List<Problem> out = new ArrayList<>();
        Path path = data.path();
        String tasks = " (one of " + String.join(", ", DataSpec.GLUE_TASKS) + ")";
        if (data.kind() == DataSpec.Kind.GLUE) {
            if (!Files.isDirectory(path)) {
                out.add(new Problem("data.path", Files.exists(path) ? "GLUE data " + path + " is a file, not a folder"
                        : "GLUE data folder " + path + " does not exist"));
            }
            if (data.task() == null || data.task().isBlank()) {
                out.add(new Problem("data.task", "GLUE data needs a task" + tasks));
            } else if (!DataSpec.GLUE_TASKS.contains(data.task())) {
                out.add(new Problem("data.task", "unknown GLUE task '" + data.task() + "'" + tasks));
            }
            if (data.textColumn() != null || data.textPairColumn() != null || data.labelColumn() != null) {
                out.add(new Problem("data.textColumn", "GLUE data takes no column names: GLUE's files name their own"));
            }
        } else {
            if (!Files.exists(path)) {
                out.add(new Problem("data.path", "data file " + path + " does not exist"));
            }
            if (data.textColumn() == null || data.textColumn().isBlank()) {
                out.add(new Problem("data.textColumn", "data file needs a text column"));
            }
            if (data.labelColumn() == null || data.labelColumn().isBlank()) {
                out.add(new Problem("data.labelColumn", "data file needs a label column"));
            }
            if (data.task() != null && !DataSpec.GLUE_TASKS.contains(data.task())) {
                out.add(new Problem("data.task", "unknown GLUE task '" + data.task() + "'" + tasks));
            }
        }
        return out;
    }

    /** The knobs, each problem a clause beginning with the knob's name ("epochs must be at least 1, got 0"). */
    public static List<Problem> hyperParameters(HyperParameters h) {
        List<Problem> out = new ArrayList<>();
        if (h.epochs() < 1) {
            knob(out, "epochs", "must be at least 1, got " + h.epochs());
        }
        positive(out, "learningRate", h.learningRate());
        positive(out, "scoreLearningRate", h.scoreLearningRate());
        if (h.batchSize() < 1) {
            knob(out, "batchSize", "must be at least 1, got " + h.batchSize());
        } else if (h.batchSize() > HyperParameters.MAX_BATCH_SIZE) {
            knob(out, "batchSize", "must be at most " + HyperParameters.MAX_BATCH_SIZE + " examples per step, got "
                    + h.batchSize());
        }
        if (h.maxLength() < 2) {
            knob(out, "maxLength", "must be at least 2 (room for [CLS] and [SEP]), got " + h.maxLength());
        }
        if (!(h.warmupRatio() >= 0 && h.warmupRatio() <= 1)) {
            knob(out, "warmupRatio", "must lie in [0, 1], got " + h.warmupRatio());
        }
        if (!(h.weightDecay() >= 0) || Double.isInfinite(h.weightDecay())) {
            knob(out, "weightDecay", "must be 0 or more, got " + h.weightDecay());
        }
        if (!(h.gradientClip() >= 0) || Double.isInfinite(h.gradientClip())) {
            knob(out, "gradientClip", "must be 0 (off) or more, got " + h.gradientClip());
        }
        if (h.evalEverySteps() < 0) {
            knob(out, "evalEverySteps", "must be 0 (each epoch) or more, got " + h.evalEverySteps());
        }
        if (h.maxSteps() < 0) {
            knob(out, "maxSteps", "must be 0 (no limit) or more, got " + h.maxSteps());
        }
        return out;
    }

    /** Throws a {@link RunException} saying every problem in one line, or returns quietly. */
    public static void require(List<Problem> problems) {
        if (!problems.isEmpty()) {
            throw new RunException(null, "the run cannot start: " + String.join("; ", texts(problems)));
        }
    }

    /** The problems' messages, in order. */
    public static List<String> texts(List<Problem> problems) {
        return problems.stream().map(Problem::message).toList();
    }

    private static void knob(List<Problem> out, String key, String what) {
        out.add(new Problem(HYPER_PARAMETERS + "." + key, key + " " + what));
    }

    private static void positive(List<Problem> out, String key, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            knob(out, key, "must be a positive number, got " + v);
        }
    }
}
