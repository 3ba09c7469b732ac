package dev.finescope.checkpoint.imports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.Tensor;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.common.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportersTest {

    @TempDir
    Path tmp;

    @Test
    void anImportedOnnxModelOpensAsAHuggingFaceFolderWithTheSameTensors() throws IOException {
        Path out = tmp.resolve("tiny-onnx");
        List<String> notes = Importers.importModel(ImportFixtures.file("tiny-bert.onnx"), out, Progress.NONE);
        assertTrue(notes.contains("vocab.txt derived from tokenizer.json"), notes.toString());
        try (ModelFolder folder = Models.open(out)) {
            assertSameTensors(ImportFixtures.reference().get("onnx"), folder);
            assertEquals(32, folder.config().hiddenSize());
            assertEquals(4, folder.config().numHeads());
            assertEquals(2, folder.config().numLayers());
            assertFalse(folder.config().inferred(), "config.json was written");
            assertArrayEquals(Files.readAllBytes(ImportFixtures.file("tf/vocab.txt")),
                    Files.readAllBytes(folder.vocab().orElseThrow()));
            assertArrayEquals(Files.readAllBytes(ImportFixtures.file("tiny-bert-tokenizer.json")),
                    Files.readAllBytes(folder.tokenizerJson().orElseThrow()));
            assertEquals("pt", folder.weights().metadata().get("format"));
            assertEquals("tiny-bert.onnx", folder.weights().metadata().get(Importers.META_SOURCE));
        }
        JsonNode config = ImportFixtures.json(out.resolve("config.json"));
        assertEquals(1e-12, config.get("layer_norm_eps").asDouble(), 0.0);
        assertEquals("bert", config.get("model_type").asText());
    }

    @Test
    void aQuantisedImportSaysSoInTheWeightsMetadata() {
        Path out = tmp.resolve("tiny-q");
        Importers.importModel(ImportFixtures.file("tiny-bert-q.onnx"), out, Progress.NONE);
        try (ModelFolder folder = Models.open(out)) {
            assertSameTensors(ImportFixtures.reference().get("onnx_q"), folder);
            assertEquals("dequantised from int8/uint8 to float32 with scale and zero point: 12 per-channel,"
                    + " 3 per-tensor", folder.weights().metadata().get(Importers.META_DEQUANTISED));
        }
    }

    @Test
    void anImportedTfCheckpointOpensWithGooglesTensorsUnderHuggingFaceNames() {
        Path out = tmp.resolve("tiny-tf");
        Importers.importModel(ImportFixtures.file("tf/bert_model.ckpt"), out, Progress.NONE);
        try (ModelFolder folder = Models.open(out)) {
            assertSameTensors(ImportFixtures.reference().get("tf"), folder);
            assertEquals(64, folder.config().intermediateSize());
            assertEquals(96, folder.config().vocabSize());
            assertTrue(folder.vocab().isPresent());
            assertTrue(folder.tokenizerJson().isEmpty(), "a TF checkpoint has no tokenizer.json");
        }
    }

    @Test
    void importingAgainReplacesTheFolderContents() {
        Path out = tmp.resolve("again");
        Importers.importModel(ImportFixtures.file("tiny-bert.onnx"), out, Progress.NONE);
        Importers.importModel(ImportFixtures.file("tf/bert_model.ckpt"), out, Progress.NONE);
        try (ModelFolder folder = Models.open(out)) {
            assertTrue(folder.weights().contains("cls.predictions.bias"));
        }
    }

    @Test
    void aCancelledImportLeavesNoModelBehind() throws IOException {
        Path out = tmp.resolve("cancelled");
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean();
        Progress cancelWhileWriting = new Progress() {
            @Override
            public void update(long done, long total, String what) {
                if (!what.startsWith("checking ")) {
                    writing.set(true); // the writer reports tensor names, the reader "checking …"
                }
            }

            @Override
            public boolean isCancelled() {
                return writing.get();
            }
        };
        assertThrows(CancellationException.class,
                () -> Importers.importModel(ImportFixtures.file("tf/bert_model.ckpt"), out, cancelWhileWriting));
        assertTrue(writing.get(), "the cancel came while writing");
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void theSourceFolderIsNeverTheOutputFolder() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ckpt"));
        for (String f : new String[] {"bert_model.ckpt.index", "bert_model.ckpt.data-00000-of-00001", "vocab.txt"}) {
            Files.copy(ImportFixtures.file("tf/" + f), dir.resolve(f));
        }
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Importers.importModel(dir.resolve("bert_model.ckpt"), dir, Progress.NONE));
        assertEquals("is where the source bert_model.ckpt lies, which FineScope only reads; choose another output"
                + " folder", e.problem());
        Path savedModel = Files.createDirectories(tmp.resolve("sm"));
        assertThrows(CheckpointException.class,
                () -> Importers.importModel(savedModel, savedModel.resolve("out"), Progress.NONE));
    }

    @Test
    void anUnknownSourceIsRefusedWithWhatWasExpected() throws IOException {
        Path text = Files.writeString(tmp.resolve("notes.txt"), "hello");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Importers.detect(text));
        assertTrue(e.problem().startsWith("not a recognised model source: expected an .onnx file"), e.problem());
        CheckpointException missing = assertThrows(CheckpointException.class,
                () -> Importers.detect(tmp.resolve("nothing.ckpt")));
        assertEquals("no such file or checkpoint prefix", missing.problem());
    }

    private static void assertSameTensors(JsonNode ref, ModelFolder folder) {
        TreeSet<String> expected = new TreeSet<>();
        ref.fieldNames().forEachRemaining(expected::add);
        assertEquals(expected, new TreeSet<>(folder.weights().tensorNames()));
        for (String name : expected) {
            Tensor t = folder.weights().tensor(name);
            assertArrayEquals(ImportFixtures.shape(ref.get(name).get("shape")), t.shape(), name);
            assertEquals(ref.get(name).get("sha256").asText(), ImportFixtures.sha256(t), name);
        }
    }
}
