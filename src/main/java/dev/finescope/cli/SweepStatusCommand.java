package dev.finescope.cli;

import dev.finescope.sweep.SweepFolder;
import dev.finescope.sweep.SweepReport;
import dev.finescope.sweep.SweepStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code finescope sweep status}: where each run of a sweep stands, read from its folder now. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Print each run of a sweep: id, task, plan, sparsity, seed, status, step/total and its dev "
                + "metric (the final one of a finished run, else the latest evaluation's); writes nothing."})
final class SweepStatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @OutputPaths.Reads
    @Parameters(index = "0", paramLabel = "SWEEP_FOLDER_OR_FILE", description = "A sweep folder, or its sweep file.")
    Path target;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SweepFolder sweep = SweepCommand.open(target);
        SweepStatus status = SweepCommand.guarded(() -> SweepStatus.of(sweep));
        String metric = sweep.metric().orElseGet(() -> status.firstMetric().orElse("metric"));
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("id", "task", "plan", "sparsity", "seed"));
        header.addAll(sweep.hyperParameterAxes());
        header.addAll(List.of("status", "step", metric));
        rows.add(header);
        for (SweepStatus.Entry e : status.entries()) {
            List<String> r = new ArrayList<>(List.of(e.run().id(), e.run().task(), e.run().plan(),
                    e.run().sparsityText(), Long.toString(e.run().seed())));
            sweep.hyperParameterAxes().forEach(k -> r.add(e.run().hyperParameters().getOrDefault(k, "")));
            r.add(e.label());
            r.add(e.state().isEmpty() ? "-" : e.step() + "/" + e.totalSteps());
            OptionalDouble v = e.isFinished() ? e.metric(metric, SweepReport.Value.FINAL) : latest(e, metric);
            r.add(v.isPresent() ? String.format(Locale.ROOT, "%.4f", v.getAsDouble()) : "-");
            rows.add(r);
        }
        out.print(SweepCommand.table(rows));
        out.println(status.entries().size() + " runs: " + status.counts().entrySet().stream()
                .map(c -> c.getValue() + " " + c.getKey()).collect(Collectors.joining(", ")));
        return 0;
    }

    private static OptionalDouble latest(SweepStatus.Entry e, String metric) {
        List<double[]> points = e.state().map(s -> s.devMetricPoints().getOrDefault(metric, List.of()))
                .orElse(List.of());
        return points.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(points.get(points.size() - 1)[1]);
    }
}
