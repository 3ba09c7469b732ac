package dev.finescope.train;

import dev.finescope.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BERT's own tokenization for models that come with a {@code vocab.txt} only: the basic tokenizer (clean
 * control characters, space out CJK ideographs, lower-case and strip accents as configured, split on white
 * space and punctuation) followed by greedy longest-match-first WordPiece with {@code ##} continuations;
 * a word that cannot be pieced, or is longer than 100 characters, becomes {@code [UNK]}. Written to give the
 * same ids as transformers' {@code BertTokenizer} and the tokenizers library's BERT pipeline.
 */
public final class WordPieceTokenizer implements TextTokenizer {
    private static final int MAX_CHARS_PER_WORD = 100;

    private final Map<String, Integer> vocab;
    private final List<String> tokens;
    private final boolean lowerCase;
    private final boolean stripAccents;
    private final SpecialTokens special;

    /**
     * @param vocab        token to id
     * @param stripAccents {@code null} to strip exactly when lower-casing (BERT's default)
     */
    public WordPieceTokenizer(Map<String, Integer> vocab, boolean lowerCase, Boolean stripAccents, Path source) {
        this.vocab = Map.copyOf(vocab);
        this.lowerCase = lowerCase;
        this.stripAccents = stripAccents == null ? lowerCase : stripAccents;
        int size = 0;
        for (int id : vocab.values()) {
            size = Math.max(size, id + 1);
        }
        List<String> byId = new ArrayList<>(java.util.Collections.nCopies(size, (String) null));
        vocab.forEach((t, id) -> byId.set(id, t));
        this.tokens = byId;
        this.special = new SpecialTokens(required("[CLS]", source), required("[SEP]", source),
                required("[PAD]", source), required("[UNK]", source));
    }

    /** Reads a {@code vocab.txt}: one token per line, the id is the line number (a repeated token keeps its last). */
    public static WordPieceTokenizer fromVocab(Path vocabTxt, boolean lowerCase, Boolean stripAccents) {
        List<String> lines;
        try {
            lines = Files.readAllLines(vocabTxt, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CheckpointException(vocabTxt, "cannot read the vocabulary: " + e.getMessage(), e);
        }
        Map<String, Integer> vocab = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            vocab.put(lines.get(i), i);
        }
        return new WordPieceTokenizer(vocab, lowerCase, stripAccents, vocabTxt);
    }

    private int required(String token, Path source) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new CheckpointException(source, "the vocabulary has no " + token + " token");
        }
        return id;
    }

    @Override
    public SpecialTokens specialTokens() {
        return special;
    }

    @Override
    public int[] pieceIds(String text) {
        List<String> pieces = pieces(text);
        int[] ids = new int[pieces.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = vocab.get(pieces.get(i));
        }
        return ids;
    }

    @Override
    public List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        for (String word : basicTokens(text)) {
            wordPieces(word, out);
        }
        return out;
    }

    /** The vocabulary's token of an id. */
    public String token(int id) {
        return tokens.get(id);
    }

    List<String> basicTokens(String text) {
        StringBuilder cleaned = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(cp -> {
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                return;
            }
            if (isWhitespace(cp)) {
                cleaned.append(' ');
            } else if (isCjk(cp)) {
                cleaned.append(' ').appendCodePoint(cp).append(' ');
            } else {
                cleaned.appendCodePoint(cp);
            }
        });
        List<String> out = new ArrayList<>();
        for (String word : cleaned.toString().split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            String w = word;
            if (lowerCase) {
                w = w.toLowerCase(Locale.ROOT);
            }
            if (stripAccents) {
                w = stripMarks(w);
            }
            splitPunctuation(w, out);
        }
        return out;
    }

    private static String stripMarks(String s) {
        String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder b = new StringBuilder(nfd.length());
        nfd.codePoints().filter(cp -> Character.getType(cp) != Character.NON_SPACING_MARK)
                .forEach(b::appendCodePoint);
        return b.toString();
    }

    private static void splitPunctuation(String word, List<String> out) {
        StringBuilder current = new StringBuilder();
        word.codePoints().forEach(cp -> {
            if (isPunctuation(cp)) {
                if (current.length() > 0) {
                    out.add(current.toString());
                    current.setLength(0);
                }
                out.add(new String(Character.toChars(cp)));
            } else {
                current.appendCodePoint(cp);
            }
        });
        if (current.length() > 0) {
            out.add(current.toString());
        }
    }

    private void wordPieces(String word, List<String> out) {
        int[] cps = word.codePoints().toArray();
        if (cps.length > MAX_CHARS_PER_WORD) {
            out.add(tokens.get(special.unk()));
            return;
        }
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < cps.length) {
            int end = cps.length;
            String found = null;
            while (start < end) {
                String sub = new String(cps, start, end - start);
                if (start > 0) {
                    sub = "##" + sub;
                }
                if (vocab.containsKey(sub)) {
                    found = sub;
                    break;
                }
                end--;
            }
            if (found == null) {
                out.add(tokens.get(special.unk()));
                return;
            }
            pieces.add(found);
            start = end;
        }
        out.addAll(pieces);
    }

    static boolean isWhitespace(int cp) {
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || Character.getType(cp) == Character.SPACE_SEPARATOR;
    }

    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int t = Character.getType(cp);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.UNASSIGNED
                || t == Character.PRIVATE_USE || t == Character.SURROGATE;
    }

    static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        int t = Character.getType(cp);
        return t == Character.CONNECTOR_PUNCTUATION || t == Character.DASH_PUNCTUATION
                || t == Character.START_PUNCTUATION || t == Character.END_PUNCTUATION
                || t == Character.INITIAL_QUOTE_PUNCTUATION || t == Character.FINAL_QUOTE_PUNCTUATION
                || t == Character.OTHER_PUNCTUATION;
    }

    static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B820 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    @Override
    public void close() {
    }
}
