package dev.finescope.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BertConfigTest {

    @Test
    void theTinyConfigurationReadsWithItsEpsilonAndTwoLabels() {
        BertConfig c = TinyModel.config();
        assertEquals(new BertConfig(104, 32, 2, 4, 64, 64, 2, 1e-12, "gelu", 0.1, 0.1, 0.02, 2), c);
        assertEquals(8, c.headDim());
    }

    @Test
    void missingValuesTakeTransformersDefaultsAndRegressionHasOneLabel(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, "{\"vocab_size\": 10, \"hidden_size\": 8, \"num_hidden_layers\": 1,"
                + " \"num_attention_heads\": 2, \"intermediate_size\": 16, \"problem_type\": \"regression\"}");
        BertConfig c = BertConfig.read(f);
        assertEquals(new BertConfig(10, 8, 1, 2, 16, 512, 2, 1e-12, "gelu", 0.1, 0.1, 0.02, 1), c);
        assertTrue(c.regression());
    }

    @Test
    void aMissingSizeNamesTheFileAndTheKey(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, "{\"vocab_size\": 10}");
        CheckpointException e = assertThrows(CheckpointException.class, () -> BertConfig.read(f));
        assertEquals(f + ": the model configuration has no integer 'hidden_size'", e.getMessage());
    }

    @Test
    void anUnsupportedActivationIsRefusedWithTheFileName(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, "{\"vocab_size\": 10, \"hidden_size\": 8, \"num_hidden_layers\": 1,"
                + " \"num_attention_heads\": 2, \"intermediate_size\": 16, \"hidden_act\": \"relu\"}");
        CheckpointException e = assertThrows(CheckpointException.class, () -> BertConfig.read(f));
        assertTrue(e.getMessage().startsWith(f + ": hidden_act 'relu' is not supported"), e.getMessage());
    }
}
