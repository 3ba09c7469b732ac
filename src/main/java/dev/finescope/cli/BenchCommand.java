package dev.finescope.cli;

import dev.finescope.analysis.AnalysisBenchmark;
import dev.finescope.checkpoint.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finescope bench analyze}: the speed and memory yardstick of the analysis. The first run writes a seeded
 * BERT-sized pair (about 0.9 GB for BERT-base, 2.7 GB for BERT-large) into the folder; later runs reuse it.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchCommand.Analyze.class},
        description = "Benchmarks that anyone can rerun; numbers go to standard output.")
final class BenchCommand {

    @Command(name = "analyze", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Analyse a seeded random BERT-sized base against a slightly perturbed copy and compare "
                    + "the wall time with the time of merely reading both files (cat a b > /dev/null).",
                "Run it with a small heap to check the memory target, e.g. java -Xmx256m -jar "
                    + "target/finescope.jar bench analyze."})
    static final class Analyze implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Option(names = "--size", defaultValue = "base", paramLabel = "base|large",
                description = "BERT-base (110 M parameters) or BERT-large (335 M); default: ${DEFAULT-VALUE}.")
        private String size;

        @Option(names = "--dir", defaultValue = "target/bench", paramLabel = "DIR",
                description = "Where the generated pair is kept (default: ${DEFAULT-VALUE}).")
        private Path dir;

        @Option(names = "--repeats", defaultValue = "3", paramLabel = "N",
                description = "Timed analyses; the best counts (default: ${DEFAULT-VALUE}).")
        private int repeats;

        @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: one per core).")
        private int threads = Runtime.getRuntime().availableProcessors();

        @Option(names = "--debug", description = "Show the stack trace of a failure.")
        private boolean debug;

        @Override
        public Integer call() throws IOException, InterruptedException {
            AnalysisBenchmark.Size s = switch (size.toLowerCase(java.util.Locale.ROOT)) {
                case "base" -> AnalysisBenchmark.Size.BASE;
                case "large" -> AnalysisBenchmark.Size.LARGE;
                default -> throw new BadInputException("--size must be base or large, not '" + size + "'");
            };
            if (repeats < 1 || threads < 1) {
                throw new BadInputException("--repeats and --threads must be at least 1");
            }
            var out = spec.commandLine().getOut();
            out.println("preparing " + s.id() + " pair in " + dir.toAbsolutePath() + " …");
            out.flush();
            Path[] pair = AnalysisBenchmark.ensurePair(dir, s, Progress.NONE);
            AnalysisBenchmark.Result r = AnalysisBenchmark.run(pair[0], pair[1], threads, repeats);
            out.println(r.describe());
            return 0;
        }
    }
}
