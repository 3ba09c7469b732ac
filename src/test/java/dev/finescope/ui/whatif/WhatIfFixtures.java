package dev.finescope.ui.whatif;

import dev.finescope.ui.common.TunedModel;
import dev.finescope.whatif.SessionSpec;
import dev.finescope.whatif.WhatIfSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the what-if tests evaluate on: the tiny BERT with a two-label head of the training tests (2 layers, hidden
 * 32, feed-forward 64) and its 12-sentence SST-2-layout dev set; a tiny BERT without a head; and two of the sample
 * workspace's masked overlays, whose learned masks compare without their base.
 */
final class WhatIfFixtures {

    /** The tiny classifier: Q, K, V, AttnOut 32 × 32 and FFN-in, FFN-out 64 × 32 per layer. */
    static final Path CLASSIFIER = Path.of("src/test/resources/fixtures/train/tiny").toAbsolutePath();
    static final Path TASK = Path.of("src/test/resources/fixtures/train/tiny-task").toAbsolutePath();
    /** Weights without a classifier: nothing to score. */
    static final Path NO_HEAD = Path.of("src/test/resources/dev/finescope/checkpoint/safetensors/mixed.safetensors")
            .toAbsolutePath();
    static final Path MASKS_05 = Path.of("sample-models/masks-05/overlay.safetensors").toAbsolutePath();
    static final Path MASKS_10 = Path.of("sample-models/masks-10/overlay.safetensors").toAbsolutePath();

    /** Encoder layers of the tiny classifier. */
    static final int LAYERS = 2;
    /** Entries of one layer's six matrices: 4 · 32 · 32 + 2 · 64 · 32. */
    static final long LAYER_ENTRIES = 4 * 32 * 32 + 2 * 64 * 32;

    static final TunedModel CLASSIFIER_MODEL = new TunedModel("tiny classifier", CLASSIFIER,
            TunedModel.Kind.FOLDER);
    static final TunedModel NO_HEAD_MODEL = new TunedModel("no head", NO_HEAD, TunedModel.Kind.FOLDER);
    static final TunedModel MASKS_05_MODEL = new TunedModel("masks 5 %", MASKS_05, TunedModel.Kind.OVERLAY);
    static final TunedModel MASKS_10_MODEL = new TunedModel("masks 10 %", MASKS_10, TunedModel.Kind.OVERLAY);

    /** The dev accuracies the masked overlays' READMEs and metadata give. */
    static final double MASKS_05_ACCURACY = 0.9155555555555556;
    static final double MASKS_10_ACCURACY = 0.9155555555555556;

    private WhatIfFixtures() {
    }

    /** A workspace file in {@code folder} with the tiny classifier as base and as fine-tuned model. */
    static Path tinyWorkspace(Path folder) throws IOException {
        String json = "{\n"
                + "  \"base\": \"" + CLASSIFIER + "\",\n"
                + "  \"tuned\": [ {\"label\": \"tiny classifier\", \"path\": \"" + CLASSIFIER
                + "\", \"kind\": \"folder\"} ],\n"
                + "  \"data\": \"" + TASK + "\"\n"
                + "}\n";
        Files.writeString(folder.resolve("workspace.json"), json, StandardCharsets.UTF_8);
        return folder;
    }
}
