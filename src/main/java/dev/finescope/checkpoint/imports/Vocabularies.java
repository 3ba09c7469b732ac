package dev.finescope.checkpoint.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Derives {@code vocab.txt} from a WordPiece {@code tokenizer.json}, because tools that load a BERT folder
 * (and FineScope's own tokenizer) look for {@code vocab.txt} first.
 */
final class Vocabularies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Vocabularies() {
    }

    /**
     * The vocabulary of {@code model.vocab}, one token a line in id order; empty when the tokenizer is not
     * WordPiece or its ids are not exactly {@code 0 … n-1}.
     */
    static Optional<byte[]> vocabTxtFromTokenizerJson(byte[] tokenizerJson) {
        JsonNode root;
        try {
            root = JSON.readTree(tokenizerJson);
        } catch (IOException e) {
            return Optional.empty();
        }
        JsonNode model = root == null ? null : root.get("model");
        if (model == null || !"WordPiece".equals(model.path("type").asText("WordPiece"))) {
            return Optional.empty();
        }
        JsonNode vocab = model.get("vocab");
        if (vocab == null || !vocab.isObject() || vocab.size() == 0) {
            return Optional.empty();
        }
        String[] tokens = new String[vocab.size()];
        Iterator<Map.Entry<String, JsonNode>> it = vocab.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt()) {
                return Optional.empty();
            }
            int id = e.getValue().asInt();
            if (id < 0 || id >= tokens.length || tokens[id] != null || e.getKey().contains("\n")) {
                return Optional.empty();
            }
            tokens[id] = e.getKey();
        }
        StringBuilder sb = new StringBuilder(tokens.length * 8);
        for (String t : tokens) {
            sb.append(t).append('\n');
        }
        return Optional.of(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Number of lines of a {@code vocab.txt}. */
    static int lineCount(byte[] vocabTxt) {
        int n = 0;
        for (byte b : vocabTxt) {
            if (b == '\n') {
                n++;
            }
        }
        if (vocabTxt.length > 0 && vocabTxt[vocabTxt.length - 1] != '\n') {
            n++;
        }
        return n;
    }
}
