package dev.finescope.cli;

import dev.finescope.common.Problem;
import dev.finescope.sweep.SweepFile;
import dev.finescope.sweep.SweepFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code finescope sweep}: a grid of runs (tasks × plans × sparsities × seeds × hyper-parameters) as one
 * experiment: see its grid and cost, train it (again and again, safely), follow it and report it.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        subcommands = {SweepPlanCommand.class, SweepRunCommand.class, SweepStatusCommand.class,
            SweepReportCommand.class},
        description = {"A grid of training runs as one experiment, from a sweep file (JSON, format "
                + "finescope.sweep/1). Its folder lies beside the file, named after it (sst2.json: sst2/), and holds "
                + "sweep.json, manifest.json and runs/<id>/."})
final class SweepCommand {


    /** The folder of a sweep file: beside it, named after it without {@code .json}. */
    static Path folderOf(Path sweepFile) {
        Path abs = sweepFile.toAbsolutePath().normalize();
        String name = abs.getFileName().toString();
        String stem = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name + ".sweep";
        return abs.resolveSibling(stem);
    }

    /** A sweep folder, or the folder of a sweep file; the folder must have been laid out. */
    static SweepFolder open(Path folderOrFile) {
        Path folder = Files.isRegularFile(folderOrFile) ? folderOf(folderOrFile) : folderOrFile;
        if (Files.isRegularFile(folderOrFile) && !SweepFolder.isSweepFolder(folder)) {
            throw new BadInputException(folderOrFile + ": the sweep has not started yet (no " + folder
                    + "); start it with finescope sweep run " + folderOrFile);
        }
        return guarded(() -> SweepFolder.open(folder));
    }

    /** Reads a sweep file, its problem one line. */
    static SweepFile read(Path file) {
        return guarded(() -> SweepFile.read(file));
    }

    /** Runs {@code body}, turning a problem with an input into bad input (exit code 2, one line). */
    static <T> T guarded(java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (Problem e) {
            throw new BadInputException(e.getMessage(), e);
        }
    }

    /** Rows of cells as columns padded to their widest cell, two spaces apart, without trailing blanks. */
    static String table(List<List<String>> rows) {
        List<Integer> widths = new ArrayList<>();
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                if (widths.size() <= i) {
                    widths.add(0);
                }
                widths.set(i, Math.max(widths.get(i), r.get(i).length()));
            }
        }
        StringBuilder b = new StringBuilder();
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                line.append(r.get(i));
                if (i < r.size() - 1) {
                    line.append(" ".repeat(widths.get(i) - r.get(i).length() + 2));
                }
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }
}
