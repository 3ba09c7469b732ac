package dev.finescope.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.plan.ModelLayout;
import dev.finescope.plan.Plan;
import dev.finescope.plan.PlanException;
import dev.finescope.run.DataSpec;
import dev.finescope.run.HyperParameters;
import dev.finescope.run.PlanSource;
import dev.finescope.run.RunSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A sweep file expanded to its runs, in a fixed order: task, then plan, then sparsity, then the hyper-parameter
 * axes (the first the slowest), then seed. Each run's id is the short hex SHA-256 of its spec's canonical JSON
 * (with the name and output left out, since the folder is named after the id): the same run gets the same id in
 * every sweep and on every machine that sees the same files, so a grown sweep finds its finished runs again.
 */
public final class SweepGrid {

    /** Hex digits of an id: 48 bits, so a clash within a sweep of a million runs has odds below one in 500. */
    public static final int ID_LENGTH = 12;

    /** A run of the grid: where it lies and what it trains. */
    public record Point(SweepRun run, RunSpec spec) {
    }

    private SweepGrid() {
    }

    /**
     * Every run of the sweep, its output {@code runsFolder/<id>}. Presets that depend on the model's matrices are
     * built from the base's headers, read once.
     *
     * @throws SweepException when the base cannot be read or a plan does not fit it
     */
    public static List<Point> expand(SweepFile sweep, Path runsFolder) {
        Supplier<ModelLayout> layout = layoutOf(sweep.base());
        Map<String, List<JsonNode>> axes = sweep.hyperParameterAxes();
        List<Map<String, JsonNode>> combos = combinations(new ArrayList<>(axes.entrySet()));
        List<String> taskLabels = sweep.taskLabels();
        List<Point> out = new ArrayList<>();
        Map<String, SweepRun> seen = new LinkedHashMap<>();
        for (int t = 0; t < sweep.tasks().size(); t++) {
            DataSpec data = sweep.tasks().get(t);
            for (SweepPlan plan : sweep.plans()) {
                List<Double> sparsities = new ArrayList<>();
                if (plan.takesSparsity()) {
                    sparsities.addAll(sweep.sparsities());
                } else {
                    sparsities.add(plan.fixedSparsity());
                }
                for (Double s : sparsities) {
                    Plan p;
                    try {
                        p = plan.plan(s, layout);
                    } catch (PlanException | IllegalArgumentException e) {
                        throw new SweepException(null, "plan '" + plan.label() + "': " + e.getMessage(), e);
                    }
                    for (Map<String, JsonNode> combo : combos) {
                        HyperParameters base = hyperParameters(sweep.hyperParameters(), combo);
                        Map<String, String> coordinates = new LinkedHashMap<>();
                        combo.forEach((k, v) -> coordinates.put(k, v.asText()));
                        for (long seed : sweep.seeds()) {
                            HyperParameters h = base.toBuilder().seed(seed).build();
                            RunSpec spec = new RunSpec("", sweep.base(), data, PlanSource.of(p), h, sweep.device(),
                                    Path.of("."));
                            String id = idOf(spec);
                            SweepRun run = new SweepRun(id, taskLabels.get(t), plan.label(), s, seed, coordinates);
                            SweepRun twin = seen.putIfAbsent(id, run);
                            if (twin != null) {
                                throw new SweepException(null, "two points of the grid train the same run: " + twin
                                        + " and " + run);
                            }
                            String name = (sweep.name().isEmpty() ? "" : sweep.name() + ": ")
                                    + run.group().label(sweep.tasks().size() > 1, true) + ", seed " + seed;
                            out.add(new Point(run, new RunSpec(name, spec.base(), data, spec.plan(), h,
                                    spec.device(), runsFolder.resolve(id).toAbsolutePath().normalize())));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The id of a spec: its canonical JSON without name and output, hashed; {@value #ID_LENGTH} hex digits. */
    public static String idOf(RunSpec spec) {
        RunSpec canonical = new RunSpec("", spec.base(), spec.data(), spec.plan(), spec.hyperParameters(),
                spec.device(), Path.of("."));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toJson().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash).substring(0, ID_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static HyperParameters hyperParameters(Map<String, JsonNode> given, Map<String, JsonNode> combo) {
        ObjectNode n = SweepFile.JSON.createObjectNode();
        given.forEach((k, v) -> n.set(k, v.isArray() ? combo.get(k) : v));
        return HyperParameters.fromTree(n);
    }

    /** Every choice of one value per axis, the first axis changing slowest; one empty choice for no axes. */
    private static List<Map<String, JsonNode>> combinations(List<Map.Entry<String, List<JsonNode>>> axes) {
        List<Map<String, JsonNode>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<JsonNode>> axis : axes) {
            List<Map<String, JsonNode>> next = new ArrayList<>();
            for (Map<String, JsonNode> partial : out) {
                for (JsonNode v : axis.getValue()) {
                    Map<String, JsonNode> m = new LinkedHashMap<>(partial);
                    m.put(axis.getKey(), v);
                    next.add(m);
                }
            }
            out = next;
        }
        return out;
    }

    /** The base's matrices, read on first use and kept. */
    private static Supplier<ModelLayout> layoutOf(Path base) {
        return new Supplier<>() {
            private ModelLayout layout;

            @Override
            public synchronized ModelLayout get() {
                if (layout == null) {
                    try (Checkpoint c = Checkpoints.open(base)) {
                        layout = ModelLayout.of(c, NameMap.standard()::locate);
                    } catch (CheckpointException e) {
                        throw new SweepException(base, "cannot read the base model's matrices: " + e.problem(), e);
                    }
                }
                return layout;
            }
        };
    }
}
