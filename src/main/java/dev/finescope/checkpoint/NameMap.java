package dev.finescope.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Maps tensor names of the BERT family (BERT, RoBERTa, DistilBERT, ELECTRA, original TF BERT; with or without
 * the model prefix) to their place on the grid. The patterns are data, read from {@code name-maps.json}
 * on the class path, not code: a new family or an odd spelling is a line of JSON, and every part of FineScope
 * (analysis, plans, import, training) agrees on where a tensor sits because they all ask this one map.
 */
public final class NameMap {

    /** The resource holding the standard map. */
    public static final String RESOURCE = "name-maps.json";

    /** What the map knows about one tensor name that lies on the grid. */
    public record Match(String family, GridPosition position, boolean storedTransposed) {
    }

    private record Rule(String family, Pattern pattern, GridRow.Kind rowKind, GridColumn column,
            GridPosition.Part fixedPart) {
    }

    private static volatile NameMap standard;

    private final List<Rule> rules;
    private final Map<String, GridPosition.Part> parts;
    private final List<Pattern> transposed;
    private final List<String> families;

    private NameMap(List<Rule> rules, Map<String, GridPosition.Part> parts, List<Pattern> transposed) {
        this.rules = List.copyOf(rules);
        this.parts = Map.copyOf(parts);
        this.transposed = List.copyOf(transposed);
        Set<String> names = new LinkedHashSet<>();
        rules.forEach(r -> names.add(r.family));
        this.families = List.copyOf(names);
    }

    /** The built-in map covering every family FineScope knows. */
    public static NameMap standard() {
        NameMap m = standard;
        if (m == null) {
            synchronized (NameMap.class) {
                m = standard;
                if (m == null) {
                    try (InputStream in = NameMap.class.getResourceAsStream(RESOURCE)) {
                        if (in == null) {
                            throw new IllegalStateException(RESOURCE + " is missing from the class path");
                        }
                        m = fromJson(in, RESOURCE);
                    } catch (IOException e) {
                        throw new UncheckedIOException("reading " + RESOURCE, e);
                    }
                    standard = m;
                }
            }
        }
        return m;
    }

    /**
     * A map read from JSON laid out like {@code name-maps.json}; {@code source} names it in errors. A malformed
     * map is a defect of the map, reported as an {@link IllegalArgumentException} naming the rule.
     */
    public static NameMap fromJson(InputStream json, String source) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        Map<String, GridPosition.Part> parts = new HashMap<>();
        root.path("parts").fields().forEachRemaining(e ->
                parts.put(e.getKey(), GridPosition.Part.valueOf(e.getValue().asText())));
        List<Pattern> transposed = new ArrayList<>();
        root.path("transposed").path("patterns").forEach(p -> transposed.add(compile(source, p.asText())));
        JsonNode layouts = root.path("layouts");
        List<Rule> rules = new ArrayList<>();
        for (JsonNode family : root.path("families")) {
            String name = family.path("family").asText();
            String prefix = family.path("prefix").asText();
            for (JsonNode layoutName : family.path("layouts")) {
                JsonNode layout = layouts.get(layoutName.asText());
                if (layout == null || !layout.isArray()) {
                    throw new IllegalArgumentException(source + ": family " + name + " names unknown layout "
                            + layoutName);
                }
                for (JsonNode rule : layout) {
                    rules.add(rule(source, name, prefix, rule, parts));
                }
            }
        }
        if (rules.isEmpty()) {
            throw new IllegalArgumentException(source + ": no rules");
        }
        return new NameMap(rules, parts, transposed);
    }

    private static Rule rule(String source, String family, String prefix, JsonNode rule,
            Map<String, GridPosition.Part> parts) {
        String where = source + ": rule " + rule;
        Pattern pattern = compile(source, prefix + rule.path("pattern").asText());
        GridRow.Kind kind;
        try {
            kind = GridRow.Kind.valueOf(rule.path("row").asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": unknown row", e);
        }
        GridColumn column = GridColumn.fromCsvName(rule.path("column").asText());
        GridPosition.Part fixedPart = rule.has("part") ? GridPosition.Part.valueOf(rule.get("part").asText()) : null;
        String groups = pattern.pattern();
        if (kind == GridRow.Kind.LAYER && !groups.contains("(?<layer>")) {
            throw new IllegalArgumentException(where + ": a layer row needs a group named 'layer'");
        }
        if (fixedPart == null && !groups.contains("(?<part>")) {
            throw new IllegalArgumentException(where + ": needs a group named 'part' or a fixed part");
        }
        return new Rule(family, pattern, kind, column, fixedPart);
    }

    private static Pattern compile(String source, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(source + ": bad pattern " + regex + ": " + e.getDescription(), e);
        }
    }

    /** The grid position of a tensor, or empty for tensors outside the grid (they go to the "other" group). */
    public Optional<GridPosition> locate(String tensorName) {
        return match(tensorName).map(Match::position);
    }

    /** Everything the map knows about {@code tensorName}, or empty when it lies outside the grid. */
    public Optional<Match> match(String tensorName) {
        for (Rule rule : rules) {
            Matcher m = rule.pattern.matcher(tensorName);
            if (!m.matches()) {
                continue;
            }
            GridRow row;
            switch (rule.rowKind) {
                case LAYER -> {
                    String digits = m.group("layer");
                    if (digits.length() > 6) {
                        return Optional.empty(); // no model has a million layers: not a layer name
                    }
                    row = GridRow.layer(Integer.parseInt(digits));
                }
                case EMBEDDINGS -> row = GridRow.EMBEDDINGS;
                case POOLER -> row = GridRow.POOLER;
                default -> row = GridRow.HEAD;
            }
            GridPosition.Part part = rule.fixedPart != null ? rule.fixedPart : parts.get(m.group("part"));
            if (part == null) {
                throw new IllegalStateException("name map: no part for '" + m.group("part") + "' in " + rule.pattern);
            }
            return Optional.of(new Match(rule.family, new GridPosition(row, rule.column, part),
                    isStoredTransposed(tensorName)));
        }
        return Optional.empty();
    }

    /** The family whose rule places {@code tensorName} on the grid ({@code bert}, {@code distilbert} …). */
    public Optional<String> family(String tensorName) {
        return match(tensorName).map(Match::family);
    }

    /**
     * True for names of TensorFlow dense kernels, stored as {@code [in, out]}: an importer must transpose them
     * to the {@code [out, in]} layout of PyTorch and Hugging Face before analysis or training.
     */
    public boolean isStoredTransposed(String tensorName) {
        for (Pattern p : transposed) {
            if (p.matcher(tensorName).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The families of this map, in the order their rules are tried. */
    public List<String> families() {
        return families;
    }

    /**
     * Per family, how many of {@code tensorNames} its rules place on the grid. Task heads count under
     * {@code head}, shared by all; the family other than {@code head} with the most tensors is the checkpoint's.
     */
    public Map<String, Integer> familyCounts(Iterable<String> tensorNames) {
        Map<String, Integer> counts = new HashMap<>();
        for (String n : tensorNames) {
            family(n).ifPresent(f -> counts.merge(f, 1, Integer::sum));
        }
        return counts;
    }
}
