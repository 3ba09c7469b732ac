package dev.finescope.ui.testing;

import dev.finescope.analysis.Analyzer;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.common.Progress;
import java.nio.file.Path;

/** The tiny BERT fixture: 2 layers, hidden 32, feed-forward 64, 100 word pieces, 64 positions, a pooler. */
public final class TinyBert {

    public static final Path DIR = Path.of("src/test/resources/fixtures/tiny-bert");
    public static final Path BASE = DIR.resolve("base");
    public static final Path TUNED = DIR.resolve("tuned");
    public static final Path GLUE = Path.of("src/test/resources/fixtures/glue");

    private TinyBert() {
    }

    public static ModelFolder base() {
        return Models.open(BASE);
    }

    /** The fixture's fine-tune compared with its base, as the workspace holds it for the selected model. */
    public static ModelComparison comparison() {
        try (ModelFolder base = base(); ModelFolder tuned = Models.open(TUNED)) {
            return new Analyzer(1).compare(base.weights(), "base", tuned.weights(), "tuned", NameMap.standard(),
                    Progress.NONE);
        }
    }
}
