package dev.finescope.train;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finescope.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's {@code tokenizer.json} run by the Hugging Face tokenizers library (DJL's binding, offline), so
 * that its normalizer and vocabulary apply exactly. The library's own truncation and padding settings in the
 * file are switched off: FineScope truncates and pads the same way for every tokenizer.
 */
public final class HuggingFaceJsonTokenizer implements TextTokenizer {
    private final HuggingFaceTokenizer tokenizer;
    private final SpecialTokens special;

    private HuggingFaceJsonTokenizer(HuggingFaceTokenizer tokenizer, SpecialTokens special) {
        this.tokenizer = tokenizer;
        this.special = special;
    }

    public static HuggingFaceJsonTokenizer open(Path tokenizerJson) {
        Map<String, Integer> ids = tokenIds(tokenizerJson);
        SpecialTokens special = new SpecialTokens(required(ids, "[CLS]", tokenizerJson),
                required(ids, "[SEP]", tokenizerJson), required(ids, "[PAD]", tokenizerJson),
                required(ids, "[UNK]", tokenizerJson));
        try {
            HuggingFaceTokenizer t = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
            return new HuggingFaceJsonTokenizer(t, special);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(tokenizerJson, "the tokenizers library cannot load it: " + e.getMessage(), e);
        }
    }

    private static Map<String, Integer> tokenIds(Path file) {
        Map<String, Integer> ids = new HashMap<>();
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            JsonNode vocab = root.path("model").path("vocab");
            if (vocab.isObject()) {
                vocab.fields().forEachRemaining(e -> ids.put(e.getKey(), e.getValue().asInt()));
            }
            for (JsonNode added : root.path("added_tokens")) {
                ids.put(added.path("content").asText(), added.path("id").asInt());
            }
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read the tokenizer: " + e.getMessage(), e);
        }
        return ids;
    }

    private static int required(Map<String, Integer> ids, String token, Path file) {
        Integer id = ids.get(token);
        if (id == null) {
            throw new CheckpointException(file, "the tokenizer has no " + token + " token; only BERT-style "
                    + "tokenizers are supported");
        }
        return id;
    }

    @Override
    public SpecialTokens specialTokens() {
        return special;
    }

    @Override
    public int[] pieceIds(String text) {
        Encoding e = tokenizer.encode(text, false, false);
        return Arrays.stream(e.getIds()).mapToInt(Math::toIntExact).toArray();
    }

    @Override
    public List<String> pieces(String text) {
        return List.of(tokenizer.encode(text, false, false).getTokens());
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
