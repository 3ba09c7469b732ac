package dev.finescope.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finescope.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns task text into a BERT model's input exactly as the model's own tokenizer does: word pieces from the
 * folder's {@code tokenizer.json} (through the Hugging Face tokenizers library) or from its {@code vocab.txt}
 * (our WordPiece), then BERT's {@code [CLS] a [SEP] b [SEP]} with token types 0 and 1, truncated longest-first
 * to a maximum length. Both kinds share the assembly below, so a model tokenizes the same whichever file it has.
 */
public interface TextTokenizer extends AutoCloseable {

    /** The ids of the special tokens the assembly needs. */
    record SpecialTokens(int cls, int sep, int pad, int unk) {
    }

    /** Word-piece ids of a text, without special tokens and without truncation. */
    int[] pieceIds(String text);

    SpecialTokens specialTokens();

    /** The word pieces of a text as strings, for people and tests. */
    List<String> pieces(String text);

    /**
     * One example: {@code [CLS] first [SEP]} or {@code [CLS] first [SEP] second [SEP]}, at most {@code maxLength}
     * tokens. A pair loses tokens from the ends of its parts by {@link #longestFirst}.
     *
     * @param second {@code null} for a single sentence
     */
    default EncodedText encode(String first, String second, int maxLength) {
        SpecialTokens s = specialTokens();
        int[] a = pieceIds(first);
        if (second == null) {
            if (maxLength < 2) {
                throw new IllegalArgumentException("a maximum length of " + maxLength + " leaves no room for text");
            }
            int keep = Math.min(a.length, maxLength - 2);
            int[] ids = new int[keep + 2];
            ids[0] = s.cls();
            System.arraycopy(a, 0, ids, 1, keep);
            ids[keep + 1] = s.sep();
            return new EncodedText(ids, new int[ids.length]);
        }
        if (maxLength < 3) {
            throw new IllegalArgumentException("a maximum length of " + maxLength + " leaves no room for a pair");
        }
        int[] b = pieceIds(second);
        int[] kept = longestFirst(a.length, b.length, maxLength - 3);
        int na = kept[0];
        int nb = kept[1];
        int[] ids = new int[na + nb + 3];
        int[] types = new int[ids.length];
        ids[0] = s.cls();
        System.arraycopy(a, 0, ids, 1, na);
        ids[na + 1] = s.sep();
        System.arraycopy(b, 0, ids, na + 2, nb);
        ids[ids.length - 1] = s.sep();
        Arrays.fill(types, na + 2, types.length, 1);
        return new EncodedText(ids, types);
    }

    /**
     * How many tokens each part of a pair keeps under a budget, as the tokenizers library's LongestFirst
     * strategy decides (the strategy of the fast tokenizers transformers uses by default): if cutting the longer
     * part suffices it keeps {@code budget − shorter}; otherwise the shorter part keeps {@code budget / 2} and
     * the longer one the rest, the second part counting as the longer when both are as long.
     */
    static int[] longestFirst(int first, int second, int budget) {
        if (first + second <= budget) {
            return new int[] {first, second};
        }
        boolean swap = first > second;
        int shorter = swap ? second : first;
        int longer = shorter > budget ? shorter : Math.max(shorter, budget - shorter);
        if (shorter + longer > budget) {
            shorter = budget / 2;
            longer = shorter + budget % 2;
        }
        return swap ? new int[] {longer, shorter} : new int[] {shorter, longer};
    }

    /** Encodes examples and pads them to the longest (dynamic padding). */
    default TokenBatch batch(List<String> firsts, List<String> seconds, int maxLength) {
        if (seconds != null && seconds.size() != firsts.size()) {
            throw new IllegalArgumentException(firsts.size() + " first texts but " + seconds.size() + " second");
        }
        List<EncodedText> out = new ArrayList<>(firsts.size());
        for (int i = 0; i < firsts.size(); i++) {
            out.add(encode(firsts.get(i), seconds == null ? null : seconds.get(i), maxLength));
        }
        return TokenBatch.pad(out, specialTokens().pad());
    }

    @Override
    void close();

    /**
     * The tokenizer of a model folder: {@code tokenizer.json} when there is one, else {@code vocab.txt} with the
     * lower-casing and accent stripping of {@code tokenizer_config.json} (BERT's defaults: lower-case, strip
     * accents when lower-casing).
     */
    public static TextTokenizer forModel(Path folder) {
        Path json = folder.resolve("tokenizer.json");
        if (Files.isRegularFile(json)) {
            return HuggingFaceJsonTokenizer.open(json);
        }
        Path vocab = folder.resolve("vocab.txt");
        if (!Files.isRegularFile(vocab)) {
            throw new CheckpointException(folder, "no tokenizer.json or vocab.txt to tokenize text with");
        }
        boolean lower = true;
        Boolean strip = null;
        Path config = folder.resolve("tokenizer_config.json");
        if (Files.isRegularFile(config)) {
            try {
                JsonNode root = new ObjectMapper().readTree(config.toFile());
                if (root.hasNonNull("do_lower_case")) {
                    lower = root.get("do_lower_case").asBoolean();
                }
                if (root.hasNonNull("strip_accents")) {
                    strip = root.get("strip_accents").asBoolean();
                }
            } catch (IOException e) {
                throw new CheckpointException(config, "cannot read the tokenizer configuration: " + e.getMessage(), e);
            }
        }
        return WordPieceTokenizer.fromVocab(vocab, lower, strip);
    }
}
