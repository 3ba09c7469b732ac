package dev.finescope.cli;

import dev.finescope.chart.ChartExport;
import dev.finescope.chart.SweepReportChart;
import dev.finescope.sweep.SweepFolder;
import dev.finescope.sweep.SweepReport;
import dev.finescope.sweep.SweepStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jfree.chart.JFreeChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code finescope sweep report}: the sweep's answer, mean ± std over seeds per grid point, as tables and a chart
 * of the metric against sparsity, written into the sweep folder.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write report.csv, report.md and the chart report.png / report.svg (dev metric against "
                + "sparsity, one line per plan, ± one standard deviation) into the sweep folder, and print the "
                + "table. Runs that have not finished count in 'runs' only."})
final class SweepReportCommand implements Callable<Integer> {

    static final String CHART_PNG = "report.png";
    static final String CHART_SVG = "report.svg";

    @Spec
    CommandSpec spec;

    @OutputPaths.Reads
    @Parameters(index = "0", paramLabel = "SWEEP_FOLDER_OR_FILE", description = "A sweep folder, or its sweep file.")
    Path target;

    @Option(names = "--metric", paramLabel = "NAME",
            description = "The dev metric (default: the sweep file's, else the first the runs report).")
    String metric;

    @Option(names = "--value", paramLabel = "final|best", defaultValue = "final",
            description = "Each run's final value, or its best dev evaluation (default ${DEFAULT-VALUE}).")
    SweepReport.Value value;

    @Option(names = "--width", paramLabel = "PX", defaultValue = "900", description = "Chart width.")
    int width;

    @Option(names = "--height", paramLabel = "PX", defaultValue = "600", description = "Chart height.")
    int height;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        SweepFolder sweep = SweepCommand.open(target);
        SweepStatus status = SweepCommand.guarded(() -> SweepStatus.of(sweep));
        SweepReport report = SweepReport.of(sweep, status, metric, value);
        SweepCommand.guarded(() -> {
            report.write(sweep.path());
            return null;
        });
        JFreeChart chart = SweepReportChart.create(report);
        ChartExport.png(chart, sweep.path().resolve(CHART_PNG), width, height, null);
        ChartExport.svg(chart, sweep.path().resolve(CHART_SVG), width, height);
        out.print(report.markdown());
        out.println();
        out.println("wrote " + sweep.path().resolve(SweepReport.CSV_FILE) + ", " + SweepReport.MARKDOWN_FILE + ", "
                + CHART_PNG + ", " + CHART_SVG);
        return 0;
    }
}
