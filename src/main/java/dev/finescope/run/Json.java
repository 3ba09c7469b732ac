package dev.finescope.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reading fields of hand-editable JSON documents with messages that say which key is wrong and why. Problems
 * are {@link IllegalArgumentException}s whose message the caller prefixes with the file.
 */
final class Json {

    /** Compact, one object per line: for events. */
    static final ObjectMapper COMPACT = new ObjectMapper();
    /** Indented: for documents people read (specs, metrics). */
    static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    static ObjectNode object() {
        return COMPACT.createObjectNode();
    }

    static JsonNode required(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(where + " has no '" + key + "'");
        }
        return v;
    }

    static String text(JsonNode node, String key, String where) {
        JsonNode v = required(node, key, where);
        if (!v.isTextual()) {
            throw new IllegalArgumentException(where + "." + key + " must be text, got " + v);
        }
        return v.asText();
    }

    static String optionalText(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        return text(node, key, where);
    }

    static long integer(JsonNode node, String key, String where) {
        JsonNode v = required(node, key, where);
        if (!v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException(where + "." + key + " must be a whole number, got " + v);
        }
        return v.asLong();
    }

    static int intValue(JsonNode node, String key, String where) {
        long v = integer(node, key, where);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where + "." + key + " is out of range: " + v);
        }
        return (int) v;
    }

    /** A number, or one of the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}. */
    static double number(JsonNode node, String key, String where) {
        return numberValue(required(node, key, where), where + "." + key);
    }

    static double numberValue(JsonNode v, String what) {
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isTextual()) {
            switch (v.asText()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException(what + " must be a number, got " + v);
    }

    /** Writes a double; NaN and infinities as strings, since JSON numbers cannot hold them. */
    static void putNumber(ObjectNode node, String key, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            node.put(key, Double.toString(value));
        } else {
            node.put(key, value);
        }
    }

    /** A path; relative ones are taken relative to {@code baseDir} when it is given. */
    static Path path(JsonNode node, String key, String where, Path baseDir) {
        return toPath(text(node, key, where), where + "." + key, baseDir);
    }

    static Path toPath(String s, String what, Path baseDir) {
        if (s.isBlank()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        try {
            Path p = Path.of(s);
            return baseDir == null || p.isAbsolute() ? p : baseDir.resolve(p).normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(what + " is not a valid path: " + s);
        }
    }

    static void checkKeys(JsonNode node, Set<String> known, String where) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be a JSON object, got " + node);
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown key '" + k + "' in " + where + " (known: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }
}
