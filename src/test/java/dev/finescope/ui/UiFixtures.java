package dev.finescope.ui;

import dev.finescope.analysis.Analyzer;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.common.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import java.util.prefs.Preferences;

/** The tiny BERT workspace the app tests open, references computed by the analysis itself, and scratch settings. */
final class UiFixtures {

    private UiFixtures() {
    }

    /**
     * A fixture where it lies in the source tree (tests run in the project folder), so that the workspace file's
     * relative paths reach {@code sample-models/} as they do for a user.
     */
    static Path resource(String name) {
        Path p = Path.of("src/test/resources", name.substring(1)).toAbsolutePath();
        if (!Files.exists(p)) {
            throw new IllegalStateException("no fixture " + p);
        }
        return p;
    }

    /** {@code fixtures/tiny-workspace}: the tiny base and three fine-tuned versions (F32, BF16, F16 files). */
    static Path tinyWorkspace() {
        return resource("/fixtures/tiny-workspace");
    }

    static Path tinyBase() {
        return resource("/fixtures/tiny-bert/base");
    }

    static Path tinyTuned() {
        return resource("/fixtures/tiny-bert/tuned");
    }

    /** The comparison straight from the analysis, as the command line computes it. */
    static ModelComparison analyse(Path base, Path tuned, String tunedLabel) {
        try (ModelFolder b = Models.open(base); ModelFolder t = Models.open(tuned)) {
            return new Analyzer(1).compare(b.weights(), b.label(), t.weights(), tunedLabel, NameMap.standard(),
                    Progress.NONE);
        }
    }

    /** A copy of the tiny tuned weights cut in half: a header that promises more bytes than the file has. */
    static Path truncatedSafetensors(Path dir) throws IOException {
        byte[] whole = Files.readAllBytes(tinyTuned().resolve("model.safetensors"));
        Path file = dir.resolve("truncated.safetensors");
        Files.write(file, Arrays.copyOf(whole, whole.length / 2));
        return file;
    }

    /** Preferences under a fresh node of their own, removed on close, so tests never touch a user's settings. */
    static final class ScratchPreferences implements AutoCloseable {
        final String node = "dev/finescope/test/" + UUID.randomUUID();
        final AppPreferences preferences = new AppPreferences(Preferences.userRoot().node(node));

        @Override
        public void close() {
            dev.finescope.ui.testing.ScratchPreferences.remove(node);
        }
    }
}
