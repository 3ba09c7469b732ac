package dev.finescope.run;

import dev.finescope.plan.Plan;
import dev.finescope.plan.PlanJson;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A run's plan, either written into the spec itself (what the app does, so a run folder is complete on its own)
 * or named by a plan file (what a person writing a spec by hand often prefers).
 *
 * @param inline the plan itself, or {@code null}
 * @param file   the plan file, or {@code null}; exactly one of the two is set
 */
public record PlanSource(Plan inline, Path file) {

    public PlanSource {
        if ((inline == null) == (file == null)) {
            throw new IllegalArgumentException("a plan source is either a plan or a plan file");
        }
    }

    public static PlanSource of(Plan plan) {
        return new PlanSource(Objects.requireNonNull(plan, "plan"), null);
    }

    public static PlanSource file(Path file) {
        return new PlanSource(null, Objects.requireNonNull(file, "file"));
    }

    /** The plan, read from its file when it has one ({@link dev.finescope.plan.PlanException} if unreadable). */
    public Plan load() {
        return inline != null ? inline : PlanJson.read(file);
    }
}
