package dev.finescope.ui.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finescope.run.RunFolder;
import dev.finescope.ui.common.TunedModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the {@link Baseline} of a workspace's runs: its head-only fine-tune's dev accuracy (from the
 * {@code metrics.json} beside its weights, as a run folder keeps it), else the share of the most common label of
 * the task's dev split. Reads files: call it off the FX thread.
 */
final class Baselines {

    private static final Logger LOGGER = LoggerFactory.getLogger(Baselines.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Labels and folder names that say "only the head trained". */
    private static final Pattern HEAD_ONLY = Pattern.compile("(?i).*\\bhead[ _-]?only\\b.*");

    static final String HEAD_ONLY_BASELINE = "the head-only baseline";
    static final String MAJORITY_CLASS = "the majority class";

    private Baselines() {
    }

    /** True for a plan, model or folder name that says only the classifier head trains. */
    static boolean isHeadOnly(String name) {
        return name != null && HEAD_ONLY.matcher(name).matches();
    }

    /**
     * The baseline of a workspace with {@code tuned} models and task data {@code data} (a GLUE-layout folder, may
     * be null); empty when neither a head-only model with its metrics nor a readable dev split is there.
     */
    static Optional<Baseline> find(List<TunedModel> tuned, Path data) {
        for (TunedModel t : tuned) {
            Path folder = Files.isDirectory(t.path()) ? t.path() : t.path().toAbsolutePath().getParent();
            if (folder != null && (isHeadOnly(t.label()) || isHeadOnly(String.valueOf(folder.getFileName())))) {
                Optional<Double> accuracy = accuracyIn(folder.resolve(RunFolder.METRICS_FILE));
                if (accuracy.isPresent()) {
                    return Optional.of(new Baseline(HEAD_ONLY_BASELINE, accuracy.get()));
                }
            }
        }
        return majorityShare(data).map(share -> new Baseline(MAJORITY_CLASS, share));
    }

    /** The accuracy in a {@code metrics.json} ({@code {"metrics": {"accuracy": …}}}); empty when there is none. */
    static Optional<Double> accuracyIn(Path metricsFile) {
        if (!Files.isRegularFile(metricsFile)) {
            return Optional.empty();
        }
        try {
            JsonNode a = JSON.readTree(Files.readString(metricsFile, StandardCharsets.UTF_8)).path("metrics")
                    .path("accuracy");
            return a.isNumber() ? Optional.of(a.asDouble()) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOGGER.debug("no accuracy in {}: {}", metricsFile, e.toString());
            return Optional.empty();
        }
    }

    /**
     * The share of the dev split's most common label, for a GLUE-layout folder whose {@code dev.tsv} has a header
     * with a {@code label} column; empty otherwise.
     */
    static Optional<Double> majorityShare(Path data) {
        if (data == null) {
            return Optional.empty();
        }
        Path dev = Files.isDirectory(data) ? data.resolve("dev.tsv") : null;
        if (dev == null || !Files.isRegularFile(dev)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(dev, StandardCharsets.UTF_8);
            if (lines.size() < 2) {
                return Optional.empty();
            }
            int column = List.of(lines.get(0).split("\t", -1)).indexOf("label");
            if (column < 0) {
                return Optional.empty();
            }
            Map<String, Integer> counts = new HashMap<>();
            int n = 0;
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split("\t", -1);
                if (!line.isBlank() && cells.length > column) {
                    counts.merge(cells[column].strip(), 1, Integer::sum);
                    n++;
                }
            }
            int most = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            return n == 0 ? Optional.empty() : Optional.of((double) most / n);
        } catch (IOException | RuntimeException e) {
            LOGGER.debug("cannot count the labels of {}: {}", dev, e.toString());
            return Optional.empty();
        }
    }
}
