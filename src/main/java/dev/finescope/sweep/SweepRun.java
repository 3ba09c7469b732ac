package dev.finescope.sweep;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One run of a sweep as its manifest lists it: the id of its folder ({@code runs/<id>}) and where it lies in the
 * grid. The coordinates are what tables group and charts draw by; the run's spec, in its folder, is what trains.
 *
 * @param id              the short hex hash of the run's spec ({@link SweepGrid#idOf})
 * @param task            the task's label
 * @param plan            the plan's label ({@link SweepPlan#label()})
 * @param sparsity        the sparsity the plan was given, or {@code null} for a plan that takes none
 * @param seed            the run's seed
 * @param hyperParameters the value of each swept hyper-parameter, as the sweep file wrote it, in the file's order
 */
public record SweepRun(String id, String task, String plan, Double sparsity, long seed,
        Map<String, String> hyperParameters) {

    public SweepRun {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(plan, "plan");
        hyperParameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperParameters));
    }

    /** The grid point without the seed: the runs that share it are repeats to average over. */
    public GroupKey group() {
        return new GroupKey(task, plan, sparsity, hyperParameters);
    }

    /** The sparsity for people: "30%", or "-" for a plan that takes none. */
    public String sparsityText() {
        return sparsity == null ? "-" : percent(sparsity);
    }

    /** A point of the grid over all seeds. */
    public record GroupKey(String task, String plan, Double sparsity, Map<String, String> hyperParameters) {

        /** "full", "sparsify-encoder @ 30%, learningRate=1e-4": for legends. */
        public String label(boolean withTask, boolean withSparsity) {
            StringBuilder b = new StringBuilder();
            if (withTask) {
                b.append(task).append(" / ");
            }
            b.append(plan);
            if (withSparsity && sparsity != null) {
                b.append(" @ ").append(percent(sparsity));
            }
            hyperParameters.forEach((k, v) -> b.append(", ").append(k).append('=').append(v));
            return b.toString();
        }
    }

    /** {@code 0.3} as "30%", {@code 0.125} as "12.5%". */
    static String percent(double s) {
        double p = s * 100;
        if (Math.abs(p - Math.rint(p)) < 1e-9) {
            return (long) Math.rint(p) + "%";
        }
        return String.format(Locale.ROOT, "%.4f", p).replaceAll("0+$", "").replaceAll("\\.$", "") + "%";
    }

    /** A sparsity as a plain number: 0.3, 0, 1.5. */
    static String formatSparsity(double s) {
        if (s == Math.rint(s) && !Double.isInfinite(s)) {
            return Long.toString((long) s);
        }
        return Double.toString(s);
    }
}
