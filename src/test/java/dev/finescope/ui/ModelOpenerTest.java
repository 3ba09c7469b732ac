package dev.finescope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.checkpoint.overlay.OverlaidModel;
import dev.finescope.ui.common.TunedModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ModelOpenerTest {

    private static final Path TINY = Path.of("src/test/resources/fixtures/tiny-bert");
    private static final Path OVERLAY = Path.of("src/test/resources/fixtures/overlay/numpy-overlay.safetensors");

    @Test
    void anOverlayOfTheWorkspaceOpensOnTheWorkspacesBase() {
        TunedModel tuned = new TunedModel("masks", OVERLAY, TunedModel.Kind.OVERLAY);
        try (ModelFolder base = Models.open(TINY.resolve("base"));
                ModelFolder opened = ModelOpener.STANDARD.open(tuned, base)) {
            assertTrue(OverlaidModel.overlayOf(opened).isPresent(), "opened as base ⊕ overlay");
            String masked = "bert.encoder.layer.0.intermediate.dense.weight";
            float[] values = opened.weights().tensor(masked).toFloatArray();
            long zeros = 0;
            for (float v : values) {
                zeros += v == 0f ? 1 : 0;
            }
            assertEquals(615, zeros, "the mask's 615 zeroed entries (expected.json), none of the base's");
        }
    }

    @Test
    void anOverlayOnAnotherBaseIsRefusedNamingBoth() {
        TunedModel tuned = new TunedModel("masks", OVERLAY, TunedModel.Kind.OVERLAY);
        try (ModelFolder other = Models.open(TINY.resolve("tuned"))) {
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> ModelOpener.STANDARD.open(tuned, other).close());
            assertTrue(e.getMessage().contains("numpy-overlay.safetensors"), e.getMessage());
        }
    }
}
