package dev.finescope.whatif;

import dev.finescope.checkpoint.UserDirectories;
import java.nio.file.Path;
import java.util.Locale;
import java.util.TreeSet;

/**
 * A sweep's settings as a user gives them in a form, and the file its points are kept in: the same rules for
 * every front end, so that a sweep resumes from the points of the very same settings and no others.
 */
public final class SweepSettings {

    private SweepSettings() {
    }

    /** "10, 30 50%" → {0.1, 0.3, 0.5}; each a percentage from 0 to 100, each once, in increasing order. */
    public static double[] parseSparsities(String text) {
        TreeSet<Double> out = new TreeSet<>();
        for (String part : (text == null ? "" : text).split("[,;\\s]+")) {
            String p = part.replace("%", "").strip();
            if (p.isEmpty()) {
                continue;
            }
            double v;
            try {
                v = Double.parseDouble(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("sparsities: '" + part + "' is not a number (give percentages "
                        + "such as 10, 30, 50)");
            }
            if (!(v >= 0 && v <= 100)) {
                throw new IllegalArgumentException("sparsities: " + part + " is not a percentage from 0 to 100");
            }
            out.add(v / 100);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("sparsities: give at least one percentage, such as 10, 30, 50");
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Where a sweep keeps its points: the workspace's {@code whatif} folder in the user's data folder (never the
     * workspace's own folder, which may be the read-only sample; the data folder's own {@code whatif} folder
     * without a workspace), one file per model, data and sweep settings, so that only a sweep of the very same
     * settings resumes from it.
     *
     * @param workspaceFolder the workspace's folder, or null
     */
    public static Path csvFile(Path workspaceFolder, SessionSpec session, SweepSpec spec, String modelLabel) {
        Path folder = workspaceFolder != null ? UserDirectories.workspaceOutputs(workspaceFolder, "whatif")
                : UserDirectories.data().resolve("whatif");
        String key = session.model().toAbsolutePath().normalize() + "|" + session.base() + "|"
                + session.data().toAbsolutePath().normalize() + "|" + session.task() + "|" + session.split() + "|"
                + session.maxExamples() + "|" + session.maxLength() + "|" + spec;
        String slug = modelLabel.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-+)|(-+$)", "");
        return folder.resolve((slug.isEmpty() ? "model" : slug) + "-sweep-"
                + String.format(Locale.ROOT, "%08x", key.hashCode()) + ".csv");
    }
}
