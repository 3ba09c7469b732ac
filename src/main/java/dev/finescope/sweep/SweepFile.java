package dev.finescope.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finescope.common.AtomicFiles;
import dev.finescope.run.DataSpec;
import dev.finescope.run.Device;
import dev.finescope.run.HyperParameters;
import dev.finescope.run.LaunchCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A sweep as a person writes it: one base, the tasks, plans, sparsities, seeds and hyper-parameter values to cross.
 * For example
 * <pre>{@code
 * {
 *   "format" : "finescope.sweep/1",
 *   "name" : "masks against full fine-tuning on SST-2",
 *   "base" : "/models/MiniLM-L6",
 *   "tasks" : [ { "kind" : "glue", "path" : "/data/glue", "task" : "SST-2" } ],
 *   "plans" : [ "full", "sparsify-encoder", "plans/top-layers.json" ],
 *   "sparsities" : [ 0.1, 0.3, 0.5 ],
 *   "seeds" : [ 1, 2, 3 ],
 *   "hyperParameters" : { "epochs" : 2, "learningRate" : [ 2e-5, 5e-5 ] },
 *   "device" : "auto",
 *   "metric" : "accuracy"
 * }
 * }</pre>
 * {@code format}, {@code base}, {@code tasks} and {@code plans} are required. A task is a run spec's {@code data}
 * object. A plan is a preset ({@value SweepPlan#KNOWN}); the sparsities apply to the plans that sparsify and give
 * no sparsity of their own. {@code seeds} default to {@code [42]}. A hyper-parameter given as a list is an axis of
 * the grid, one given as a value holds for every run; {@code seed} is given in {@code seeds}. {@code metric}
 * names the dev metric of the report (default: the first the runs report). Relative paths are relative to the
 * file's folder; the copy a sweep folder keeps ({@code sweep.json}) holds absolute paths. Unknown keys are errors,
 * and every problem is one line that names its field.
 *
 * @param name            what the user calls the sweep; may be empty
 * @param base            the pre-trained model (absolute)
 * @param tasks           the task data (absolute paths), at least one
 * @param plans           at least one
 * @param sparsities      each in [0, 1); empty when no plan takes a sparsity
 * @param seeds           at least one
 * @param hyperParameters each key of {@link HyperParameters#KEYS} but {@code seed} that the file gives: a value, or
 *                        an array of values (an axis), in the file's order
 * @param device          where every run trains
 * @param metric          the report's dev metric, or {@code null} for the first the runs report
 */
public record SweepFile(String name, Path base, List<DataSpec> tasks, List<SweepPlan> plans, List<Double> sparsities,
        List<Long> seeds, Map<String, JsonNode> hyperParameters, Device device, String metric) {

    /** The format this code writes and reads. */
    public static final String FORMAT = "finescope.sweep/1";
    /** A grid larger than this is started only when the user confirms it. */
    public static final long LARGE_GRID = 10_000;

    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> KEYS = Set.of("format", "name", "base", "tasks", "plans", "sparsities", "seeds",
            "hyperParameters", "device", "metric");
    private static final long DEFAULT_SEED = HyperParameters.DEFAULTS.seed();

    public SweepFile {
        name = name == null ? "" : name;
        Objects.requireNonNull(base, "base");
        tasks = List.copyOf(tasks);
        plans = List.copyOf(plans);
        sparsities = List.copyOf(sparsities);
        seeds = List.copyOf(seeds);
        hyperParameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperParameters));
        device = device == null ? Device.AUTO : device;
    }

    /** Reads and checks a sweep file; a {@link SweepException} names the file and the field at fault. */
    public static SweepFile read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SweepException(file, "no such sweep file");
        } catch (IOException e) {
            throw new SweepException(file, "cannot read the sweep file: " + e.getMessage(), e);
        }
        return fromJson(text, file, file.toAbsolutePath().getParent());
    }

    /**
     * Parses and checks a sweep.
     *
     * @param source  the file, for messages; may be {@code null}
     * @param baseDir the folder relative paths are relative to
     */
    public static SweepFile fromJson(String json, Path source, Path baseDir) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new SweepException(source, "not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
        if (n == null || n.isMissingNode()) {
            throw new SweepException(source, "the sweep file is empty");
        }
        try {
            return parse(n, baseDir);
        } catch (IllegalArgumentException e) {
            throw new SweepException(source, e.getMessage(), e);
        }
    }

    private static SweepFile parse(JsonNode n, Path baseDir) {
        if (!n.isObject()) {
            throw new IllegalArgumentException("a sweep file must be a JSON object, got " + n.getNodeType());
        }
        checkKeys(n, KEYS, "");
        JsonNode format = n.get("format");
        if (format == null || !format.isTextual()) {
            throw new IllegalArgumentException("format: missing; a sweep file begins with \"format\": \"" + FORMAT
                    + "\"");
        }
        if (!FORMAT.equals(format.asText())) {
            throw new IllegalArgumentException("format: '" + format.asText() + "' is not '" + FORMAT + "'");
        }
        String name = n.has("name") ? text(n.get("name"), "name") : "";
        Path base = path(required(n, "base"), "base", baseDir);
        if (!Files.exists(base)) {
            throw new IllegalArgumentException("base: base model " + base + " does not exist");
        }

        List<DataSpec> tasks = new ArrayList<>();
        JsonNode t = array(required(n, "tasks"), "tasks");
        for (int i = 0; i < t.size(); i++) {
            String field = "tasks[" + i + "]";
            DataSpec d;
            try {
                d = DataSpec.fromTree(t.get(i), baseDir).toAbsolute();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
            }
            for (LaunchCheck.Problem p : LaunchCheck.data(d)) {
                throw new IllegalArgumentException(field + ": " + p.message());
            }
            tasks.add(d);
        }
        notEmpty(tasks, "tasks");
        List<String> labels = taskLabels(tasks);
        for (int i = 0; i < labels.size(); i++) {
            if (labels.indexOf(labels.get(i)) != i) {
                throw new IllegalArgumentException("tasks[" + i + "]: the same task as tasks["
                        + labels.indexOf(labels.get(i)) + "] ('" + labels.get(i) + "')");
            }
        }

        List<SweepPlan> plans = new ArrayList<>();
        JsonNode p = array(required(n, "plans"), "plans");
        Set<String> planLabels = new HashSet<>();
        for (int i = 0; i < p.size(); i++) {
            String field = "plans[" + i + "]";
            SweepPlan plan;
            try {
                plan = SweepPlan.parse(text(p.get(i), field), baseDir);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage().startsWith(field) ? e.getMessage()
                        : field + ": " + e.getMessage(), e);
            }
            if (!planLabels.add(plan.label())) {
                throw new IllegalArgumentException(field + ": '" + plan.label() + "' is listed twice");
            }
            plans.add(plan);
        }
        notEmpty(plans, "plans");

        List<Double> sparsities = new ArrayList<>();
        boolean anyTakes = plans.stream().anyMatch(SweepPlan::takesSparsity);
        if (n.has("sparsities")) {
            JsonNode s = array(n.get("sparsities"), "sparsities");
            for (int i = 0; i < s.size(); i++) {
                String field = "sparsities[" + i + "]";
                JsonNode v = s.get(i);
                if (!v.isNumber()) {
                    throw new IllegalArgumentException(field + ": must be a number, got " + v);
                }
                SweepPlan.checkSparsity(v.asDouble(), field + ":");
                if (sparsities.contains(v.asDouble())) {
                    throw new IllegalArgumentException(field + ": " + v + " is listed twice");
                }
                sparsities.add(v.asDouble());
            }
            notEmpty(sparsities, "sparsities");
            if (!anyTakes) {
                throw new IllegalArgumentException("sparsities: no plan takes a sparsity (only sparsify-encoder and "
                        + "plan files that sparsify do)");
            }
        } else if (anyTakes) {
            String which = plans.stream().filter(SweepPlan::takesSparsity).findFirst().orElseThrow().label();
            throw new IllegalArgumentException("sparsities: missing; plan '" + which + "' takes a sparsity");
        }

        List<Long> seeds = new ArrayList<>();
        if (n.has("seeds")) {
            JsonNode s = array(n.get("seeds"), "seeds");
            for (int i = 0; i < s.size(); i++) {
                String field = "seeds[" + i + "]";
                JsonNode v = s.get(i);
                if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                    throw new IllegalArgumentException(field + ": must be a whole number, got " + v);
                }
                if (seeds.contains(v.asLong())) {
                    throw new IllegalArgumentException(field + ": " + v + " is listed twice");
                }
                seeds.add(v.asLong());
            }
            notEmpty(seeds, "seeds");
        } else {
            seeds.add(DEFAULT_SEED);
        }

        Map<String, JsonNode> hp = new LinkedHashMap<>();
        if (n.has("hyperParameters")) {
            JsonNode h = n.get("hyperParameters");
            if (!h.isObject()) {
                throw new IllegalArgumentException("hyperParameters: must be a JSON object, got " + h.getNodeType());
            }
            Set<String> known = new TreeSet<>(HyperParameters.KEYS);
            known.remove("seed");
            for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String field = "hyperParameters." + e.getKey();
                if (e.getKey().equals("seed")) {
                    throw new IllegalArgumentException(field + ": give seeds in 'seeds'");
                }
                if (!known.contains(e.getKey())) {
                    throw new IllegalArgumentException("unknown key '" + field + "' (known: "
                            + String.join(", ", known) + ")");
                }
                JsonNode v = e.getValue();
                if (v.isArray()) {
                    if (v.isEmpty()) {
                        throw new IllegalArgumentException(field + ": an empty list, so the grid is empty");
                    }
                    Set<String> seen = new HashSet<>();
                    for (int i = 0; i < v.size(); i++) {
                        checkValue(e.getKey(), v.get(i), field + "[" + i + "]");
                        if (!seen.add(v.get(i).toString())) {
                            throw new IllegalArgumentException(field + "[" + i + "]: " + v.get(i) + " is listed twice");
                        }
                    }
                } else {
                    checkValue(e.getKey(), v, field);
                }
                hp.put(e.getKey(), v);
            }
        }
        Device device;
        try {
            device = n.has("device") ? Device.fromJsonName(text(n.get("device"), "device")) : Device.AUTO;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith("device") ? e.getMessage()
                    : "device: " + e.getMessage(), e);
        }
        String metric = n.has("metric") ? text(n.get("metric"), "metric") : null;
        if (metric != null && metric.isBlank()) {
            throw new IllegalArgumentException("metric: empty");
        }
        return new SweepFile(name, base, tasks, plans, sparsities, seeds, hp, device, metric);
    }

    /** One value of a hyper-parameter, alone on the defaults, must make a possible run. */
    private static void checkValue(String key, JsonNode value, String field) {
        ObjectNode one = JSON.createObjectNode();
        one.set(key, value);
        HyperParameters h;
        try {
            h = HyperParameters.fromTree(one);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": must be " + (value.isNumber() ? "a whole number"
                    : "a number") + ", got " + value, e);
        }
        for (LaunchCheck.Problem p : LaunchCheck.hyperParameters(h)) {
            if (p.field().endsWith("." + key) || p.field().equals(key)) {
                throw new IllegalArgumentException(field + ": " + p.message());
            }
        }
    }

    /** The labels of the tasks: the GLUE task, or the data file's name (with its GLUE task, if it names one). */
    public static List<String> taskLabels(List<DataSpec> tasks) {
        List<String> out = new ArrayList<>();
        for (DataSpec d : tasks) {
            String label = d.kind() == DataSpec.Kind.GLUE ? d.task()
                    : d.path().getFileName() + (d.task() == null ? "" : " (" + d.task() + ")");
            out.add(label);
        }
        return out;
    }

    /** The labels of {@link #tasks()}, in order. */
    public List<String> taskLabels() {
        return taskLabels(tasks);
    }

    /** The swept hyper-parameters (those given as a list), in the file's order, with their values. */
    public Map<String, List<JsonNode>> hyperParameterAxes() {
        Map<String, List<JsonNode>> out = new LinkedHashMap<>();
        hyperParameters.forEach((k, v) -> {
            if (v.isArray()) {
                List<JsonNode> values = new ArrayList<>();
                v.forEach(values::add);
                out.put(k, values);
            }
        });
        return out;
    }

    /** How many runs the grid holds, counted without expanding it. */
    public long runCount() {
        long perTask = 0;
        for (SweepPlan p : plans) {
            perTask += p.takesSparsity() ? sparsities.size() : 1;
        }
        long n = Math.multiplyExact(Math.multiplyExact(tasks.size(), perTask), seeds.size());
        for (List<JsonNode> values : hyperParameterAxes().values()) {
            n = Math.multiplyExact(n, values.size());
        }
        return n;
    }

    /** Indented JSON with absolute paths, ending with a newline: what a sweep folder keeps as {@code sweep.json}. */
    public String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("name", name);
        n.put("base", base.toString());
        ArrayNode t = n.putArray("tasks");
        tasks.forEach(d -> t.add(d.toTree()));
        ArrayNode p = n.putArray("plans");
        plans.forEach(plan -> p.add(plan.toJsonValue()));
        if (!sparsities.isEmpty()) {
            ArrayNode s = n.putArray("sparsities");
            sparsities.forEach(s::add);
        }
        ArrayNode s = n.putArray("seeds");
        seeds.forEach(s::add);
        ObjectNode h = n.putObject("hyperParameters");
        hyperParameters.forEach(h::set);
        n.put("device", device.jsonName());
        if (metric != null) {
            n.put("metric", metric);
        }
        try {
            return PRETTY.writeValueAsString(n) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a sweep file always serialises", e);
        }
    }

    /** Writes {@link #toJson()} atomically. */
    public void write(Path file) {
        try {
            AtomicFiles.write(file, toJson().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SweepException(file, "cannot write the sweep file: " + e.getMessage(), e);
        }
    }

    private static void checkKeys(JsonNode n, Set<String> known, String prefix) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown key '" + prefix + k + "' (known: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    private static JsonNode required(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(key + ": missing");
        }
        return v;
    }

    private static String text(JsonNode v, String field) {
        if (!v.isTextual()) {
            throw new IllegalArgumentException(field + ": must be text, got " + v);
        }
        return v.asText();
    }

    private static JsonNode array(JsonNode v, String field) {
        if (!v.isArray()) {
            throw new IllegalArgumentException(field + ": must be a list, got " + v);
        }
        return v;
    }

    private static void notEmpty(List<?> list, String field) {
        if (list.isEmpty()) {
            throw new IllegalArgumentException(field + ": an empty list, so the grid is empty");
        }
    }

    private static Path path(JsonNode v, String field, Path baseDir) {
        String s = text(v, field);
        if (s.isBlank()) {
            throw new IllegalArgumentException(field + ": empty");
        }
        try {
            Path p = Path.of(s);
            return (baseDir == null || p.isAbsolute() ? p : baseDir.resolve(p)).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(field + ": not a valid path: " + s);
        }
    }
}
