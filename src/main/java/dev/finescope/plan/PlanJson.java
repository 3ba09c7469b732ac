package dev.finescope.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finescope.common.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Plans as JSON files a person can read and edit, so a plan made in the app runs from the command line and on a
 * GPU server. Cells are addressed by the grid's CSV names, for example
 * <pre>{@code
 * {
 *   "format" : "finescope-plan",
 *   "version" : 1,
 *   "name" : "L0-close: top 3",
 *   "default" : { "action" : "freeze" },
 *   "biasRule" : "follow_matrix",
 *   "mask" : { "mode" : "threshold", "scoreInit" : 3.0 },
 *   "cells" : [
 *     { "row" : "3", "column" : "V", "action" : "fine_tune" },
 *     { "row" : "embeddings", "column" : "Word", "action" : "sparsify", "sparsity" : 0.1 }
 *   ]
 * }
 * }</pre>
 * {@code version} and {@code default} are required; {@code name}, {@code biasRule} (default
 * {@code follow_matrix}), {@code mask} (default threshold, c = 3) and {@code cells} are optional. The writer
 * adds {@code biasRuleMeans}, the rule in words, which the reader ignores. Unknown keys are errors, so a typo
 * cannot silently change a plan.
 */
public final class PlanJson {

    /** The version this code writes and the newest it reads. */
    public static final int VERSION = 1;
    static final String FORMAT = "finescope-plan";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> TOP_KEYS =
            Set.of("format", "version", "name", "default", "biasRule", "biasRuleMeans", "mask", "cells");
    private static final Set<String> CELL_KEYS = Set.of("row", "column", "action", "sparsity");
    private static final Set<String> ACTION_KEYS = Set.of("action", "sparsity");
    private static final Set<String> MASK_KEYS = Set.of("mode", "scoreInit");

    private PlanJson() {
    }

    /** Reads a plan file; a {@link PlanException} naming the file and the problem when it is not a valid plan. */
    public static Plan read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PlanException(file, "no such plan file");
        } catch (IOException e) {
            throw new PlanException(file, "cannot read the plan: " + e.getMessage(), e);
        }
        return fromJson(new String(bytes, StandardCharsets.UTF_8), file);
    }

    /** Writes a plan file atomically (temporary file, then rename). */
    public static void write(Plan plan, Path file) {
        try {
            AtomicFiles.write(file, toJson(plan).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PlanException(file, "cannot write the plan: " + e.getMessage(), e);
        }
    }

    /** The plan as indented JSON text, ending with a newline. */
    public static String toJson(Plan plan) {
        try {
            return MAPPER.writeValueAsString(toTree(plan)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a plan always serialises", e);
        }
    }

    /**
     * Parses JSON text.
     *
     * @param source the file it came from, for messages; may be {@code null}
     */
    public static Plan fromJson(String json, Path source) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new PlanException(source, "not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
        if (node == null || node.isMissingNode()) {
            throw new PlanException(source, "the plan is empty");
        }
        return fromTree(node, source, "");
    }

    /** The plan as a JSON object, for embedding in other documents (a run spec holds its plan inline). */
    public static ObjectNode toTree(Plan plan) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("name", plan.name());
        root.set("default", actionTree(plan.defaultAction()));
        root.put("biasRule", plan.biasRule().jsonName());
        root.put("biasRuleMeans", plan.biasRule().description() + " The task head always trains.");
        ObjectNode mask = root.putObject("mask");
        mask.put("mode", plan.mask().mode().jsonName());
        mask.put("scoreInit", plan.mask().scoreInit());
        ArrayNode cells = root.putArray("cells");
        for (Map.Entry<MatrixCell, Action> e : plan.cells().entrySet()) {
            ObjectNode c = cells.addObject();
            c.put("row", e.getKey().row().csvName());
            c.put("column", e.getKey().column().csvName());
            c.setAll(actionTree(e.getValue()));
        }
        return root;
    }

    /**
     * Reads a plan from a JSON object.
     *
     * @param source where it came from, for messages; may be {@code null}
     * @param where  a prefix for messages naming the plan's place in a larger document ("plan: "), or empty
     */
    public static Plan fromTree(JsonNode root, Path source, String where) {
        if (!root.isObject()) {
            throw new PlanException(source, where + "a plan must be a JSON object");
        }
        checkKeys(root, TOP_KEYS, source, where, "the plan");
        JsonNode format = root.get("format");
        if (format != null && !FORMAT.equals(format.asText())) {
            throw new PlanException(source, where + "format is '" + format.asText() + "', not '" + FORMAT + "'");
        }
        JsonNode version = root.get("version");
        if (version == null) {
            throw new PlanException(source, where + "the plan has no 'version'");
        }
        if (!version.isInt() || version.asInt() < 1) {
            throw new PlanException(source, where + "version must be a whole number from 1, got " + version);
        }
        if (version.asInt() > VERSION) {
            throw new PlanException(source, where + "plan version " + version.asInt()
                    + " is newer than this FineScope reads (" + VERSION + ")");
        }
        String name = text(root, "name", "", source, where);
        JsonNode def = root.get("default");
        if (def == null) {
            throw new PlanException(source, where + "the plan has no 'default' action");
        }
        if (!def.isObject()) {
            throw new PlanException(source, where + "'default' must be an object like {\"action\": \"freeze\"}");
        }
        checkKeys(def, ACTION_KEYS, source, where, "default");
        Action defaultAction = action(def, "the default action", source, where);
        BiasRule rule = BiasRule.FOLLOW_MATRIX;
        if (root.has("biasRule")) {
            try {
                rule = BiasRule.fromJsonName(text(root, "biasRule", "", source, where));
            } catch (IllegalArgumentException e) {
                throw new PlanException(source, where + e.getMessage());
            }
        }
        MaskOptions mask = MaskOptions.DEFAULT;
        JsonNode m = root.get("mask");
        if (m != null) {
            if (!m.isObject()) {
                throw new PlanException(source, where + "'mask' must be an object");
            }
            checkKeys(m, MASK_KEYS, source, where, "mask");
            try {
                MaskOptions.Mode mode = m.has("mode")
                        ? MaskOptions.Mode.fromJsonName(text(m, "mode", "", source, where))
                        : MaskOptions.DEFAULT.mode();
                double c = m.has("scoreInit") ? number(m, "scoreInit", "mask", source, where)
                        : MaskOptions.DEFAULT.scoreInit();
                mask = new MaskOptions(mode, c);
            } catch (IllegalArgumentException e) {
                throw new PlanException(source, where + e.getMessage());
            }
        }
        Map<MatrixCell, Action> cells = new TreeMap<>();
        JsonNode list = root.get("cells");
        if (list != null) {
            if (!list.isArray()) {
                throw new PlanException(source, where + "'cells' must be a list");
            }
            int i = 0;
            for (JsonNode c : list) {
                String at = "cells[" + i + "]";
                if (!c.isObject()) {
                    throw new PlanException(source, where + at + " must be an object");
                }
                checkKeys(c, CELL_KEYS, source, where, at);
                JsonNode row = c.get("row");
                JsonNode column = c.get("column");
                if (row == null || column == null) {
                    throw new PlanException(source, where + at + " needs a 'row' and a 'column'");
                }
                MatrixCell cell;
                try {
                    cell = MatrixCell.parse(row.asText(), column.asText());
                } catch (IllegalArgumentException e) {
                    throw new PlanException(source, where + e.getMessage());
                }
                Action a = action(c, cell.describe(), source, where);
                if (cells.put(cell, a) != null) {
                    throw new PlanException(source, where + cell.describe() + " is named twice");
                }
                i++;
            }
        }
        return new Plan(name, defaultAction, cells, rule, mask);
    }

    private static ObjectNode actionTree(Action a) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("action", a.kind().jsonName());
        if (a.isSparsify()) {
            n.put("sparsity", a.sparsity());
        }
        return n;
    }

    private static Action action(JsonNode node, String what, Path source, String where) {
        JsonNode kindNode = node.get("action");
        if (kindNode == null || !kindNode.isTextual()) {
            throw new PlanException(source, where + what + " needs an 'action' (freeze, fine_tune or sparsify)");
        }
        Action.Kind kind;
        try {
            kind = Action.Kind.fromJsonName(kindNode.asText());
        } catch (IllegalArgumentException e) {
            throw new PlanException(source, where + e.getMessage() + " for " + what);
        }
        JsonNode s = node.get("sparsity");
        if (kind != Action.Kind.SPARSIFY) {
            if (s != null) {
                throw new PlanException(source, where + kind.jsonName() + " takes no sparsity (" + what + ")");
            }
            return kind == Action.Kind.FREEZE ? Action.FREEZE : Action.FINE_TUNE;
        }
        if (s == null) {
            throw new PlanException(source, where + "sparsify needs a 'sparsity' in (0, 1) for " + what);
        }
        if (!s.isNumber()) {
            throw new PlanException(source, where + "sparsity " + s + " for " + what + " is not a number");
        }
        double v = s.asDouble();
        if (!(v > 0 && v < 1)) {
            throw new PlanException(source, where + "sparsity " + Action.formatSparsity(v) + " for " + what
                    + " is outside (0, 1)");
        }
        return Action.sparsify(v);
    }

    private static String text(JsonNode node, String key, String fallback, Path source, String where) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw new PlanException(source, where + "'" + key + "' must be text, got " + v);
        }
        return v.asText();
    }

    private static double number(JsonNode node, String key, String in, Path source, String where) {
        JsonNode v = node.get(key);
        if (!v.isNumber()) {
            throw new PlanException(source, where + in + "." + key + " must be a number, got " + v);
        }
        return v.asDouble();
    }

    private static void checkKeys(JsonNode node, Set<String> known, Path source, String where, String what) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new PlanException(source, where + "unknown key '" + k + "' in " + what + " (known: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }
}
