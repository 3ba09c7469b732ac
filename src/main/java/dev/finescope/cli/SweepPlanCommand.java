package dev.finescope.cli;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.plan.ModelLayout;
import dev.finescope.plan.Plan;
import dev.finescope.plan.PlanCost;
import dev.finescope.sweep.SweepFile;
import dev.finescope.sweep.SweepGrid;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code finescope sweep plan}: the grid a sweep file makes, and what it costs, before anything trains. */
@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the runs of a sweep file (id, task, plan, sparsity, seed, swept hyper-parameters) and "
                + "what each plan costs (trainable parameters, overlay size); writes nothing."})
final class SweepPlanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @OutputPaths.Reads
    @Parameters(index = "0", paramLabel = "SWEEP.json", description = "The sweep file.")
    Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SweepFile sweep = SweepCommand.read(file);
        long count = sweep.runCount();
        if (count > SweepFile.LARGE_GRID) {
            out.println(count + " runs: more than " + SweepFile.LARGE_GRID + "; the grid is not listed");
            return 0;
        }
        List<SweepGrid.Point> grid = SweepCommand.guarded(() -> SweepGrid.expand(sweep,
                SweepCommand.folderOf(file).resolve("runs")));
        List<String> axes = List.copyOf(sweep.hyperParameterAxes().keySet());
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("#", "id", "task", "plan", "sparsity", "seed"));
        header.addAll(axes);
        rows.add(header);
        Map<String, Plan> plans = new LinkedHashMap<>();
        for (int i = 0; i < grid.size(); i++) {
            SweepGrid.Point p = grid.get(i);
            List<String> r = new ArrayList<>(List.of(Integer.toString(i + 1), p.run().id(), p.run().task(),
                    p.run().plan(), p.run().sparsityText(), Long.toString(p.run().seed())));
            axes.forEach(k -> r.add(p.run().hyperParameters().get(k)));
            rows.add(r);
            plans.putIfAbsent(p.run().plan() + " @ " + p.run().sparsityText(), p.spec().plan().inline());
        }
        out.print(SweepCommand.table(rows));
        out.println();
        out.println(grid.size() + " runs (" + sweep.tasks().size() + " task(s) × plan and sparsity points × "
                + sweep.seeds().size() + " seed(s)" + (axes.isEmpty() ? "" : " × hyper-parameter values") + ")");
        ModelLayout layout;
        try (Checkpoint c = Checkpoints.open(sweep.base())) {
            layout = ModelLayout.of(c, NameMap.standard()::locate);
        } catch (CheckpointException e) {
            out.println("(no cost: " + e.getMessage() + ")");
            return 0;
        }
        List<List<String>> cost = new ArrayList<>();
        cost.add(List.of("plan", "trainable", "share", "overlay"));
        plans.forEach((name, plan) -> {
            PlanCost c = PlanCost.of(plan, layout);
            cost.add(List.of(name.replace(" @ -", ""), Long.toString(c.trainableParameters()),
                    String.format(Locale.ROOT, "%.2f%%", 100 * c.trainableShare()), bytes(c.overlayBytes())));
        });
        out.println();
        out.print(SweepCommand.table(cost));
        return 0;
    }

    static String bytes(long n) {
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }
}
