package dev.finescope.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finescope.common.AtomicFiles;
import dev.finescope.plan.PlanException;
import dev.finescope.plan.PlanJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a training run needs, as one JSON document that the app writes and {@code finescope train --spec}
 * reads, so a run launched from the app can be repeated from a shell or on a GPU server. For example
 * <pre>{@code
 * {
 *   "format" : "finescope-run",
 *   "version" : 1,
 *   "name" : "SST-2, masks at 10%",
 *   "base" : "/models/MiniLM-L6",
 *   "data" : { "kind" : "glue", "path" : "/data/glue", "task" : "SST-2" },
 *   "plan" : "plans/masks-10.json",
 *   "hyperParameters" : { "epochs" : 2, "scoreLearningRate" : 0.05 },
 *   "device" : "auto",
 *   "output" : "runs/sst2-masks-10"
 * }
 * }</pre>
 * {@code version}, {@code base}, {@code data}, {@code plan} (an inline plan object or a plan file's path) and
 * {@code output} are required; {@code name} is optional, {@code device} defaults to {@code auto} and missing
 * hyper-parameters take {@link HyperParameters#DEFAULTS}. Relative paths are relative to the folder of the spec
 * file; specs that FineScope writes into a run folder hold absolute paths only. Unknown keys are errors.
 *
 * @param name            what the user calls the run; may be empty
 * @param base            the pre-trained model: a model folder or a weights file
 * @param data            the task data
 * @param plan            the plan, inline or as a file
 * @param hyperParameters the training knobs
 * @param device          where to train
 * @param output          the run folder to write
 */
public record RunSpec(String name, Path base, DataSpec data, PlanSource plan, HyperParameters hyperParameters,
        Device device, Path output) {

    /** The version this code writes and the newest it reads. */
    public static final int VERSION = 1;
    static final String FORMAT = "finescope-run";
    private static final Set<String> KEYS =
            Set.of("format", "version", "name", "base", "data", "plan", "hyperParameters", "device", "output");

    public RunSpec {
        name = name == null ? "" : name;
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(output, "output");
        hyperParameters = hyperParameters == null ? HyperParameters.DEFAULTS : hyperParameters;
        device = device == null ? Device.AUTO : device;
    }

    public RunSpec withOutput(Path folder) {
        return new RunSpec(name, base, data, plan, hyperParameters, device, folder);
    }

    public RunSpec withHyperParameters(HyperParameters h) {
        return new RunSpec(name, base, data, plan, h, device, output);
    }

    /** The same spec with every path absolute, as written into a run folder. */
    public RunSpec toAbsolute() {
        PlanSource p = plan.file() == null ? plan : PlanSource.file(plan.file().toAbsolutePath().normalize());
        return new RunSpec(name, base.toAbsolutePath().normalize(), data.toAbsolute(), p, hyperParameters, device,
                output.toAbsolutePath().normalize());
    }

    /** What {@link LaunchCheck#of(RunSpec)} finds, one sentence each; empty when the run can start. */
    public List<String> problems() {
        return LaunchCheck.texts(LaunchCheck.of(this));
    }

    /** Throws a {@link RunException} listing every problem in one line, or returns quietly. */
    public void validate() {
        LaunchCheck.require(LaunchCheck.of(this));
    }

    /** Reads a spec file; relative paths in it are relative to its folder. */
    public static RunSpec read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new RunException(file, "no such run spec");
        } catch (IOException e) {
            throw new RunException(file, "cannot read the run spec: " + e.getMessage(), e);
        }
        Path dir = file.toAbsolutePath().getParent();
        return fromJson(new String(bytes, StandardCharsets.UTF_8), file, dir);
    }

    /** Writes the spec atomically. */
    public void write(Path file) {
        try {
            AtomicFiles.write(file, toJson().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RunException(file, "cannot write the run spec: " + e.getMessage(), e);
        }
    }

    /** Indented JSON, ending with a newline. */
    public String toJson() {
        ObjectNode n = Json.object();
        n.put("format", FORMAT);
        n.put("version", VERSION);
        n.put("name", name);
        n.put("base", base.toString());
        n.set("data", data.toTree());
        if (plan.inline() != null) {
            n.set("plan", PlanJson.toTree(plan.inline()));
        } else {
            n.put("plan", plan.file().toString());
        }
        n.set("hyperParameters", hyperParameters.toTree());
        n.put("device", device.jsonName());
        n.put("output", output.toString());
        try {
            return Json.PRETTY.writeValueAsString(n) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a run spec always serialises", e);
        }
    }

    /**
     * Parses a spec.
     *
     * @param source  the file, for messages; may be {@code null}
     * @param baseDir the folder relative paths are relative to; {@code null} leaves them as they are
     */
    public static RunSpec fromJson(String json, Path source, Path baseDir) {
        JsonNode n;
        try {
            n = Json.COMPACT.readTree(json);
        } catch (JsonProcessingException e) {
            throw new RunException(source, "not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
        if (n == null || n.isMissingNode()) {
            throw new RunException(source, "the run spec is empty");
        }
        try {
            Json.checkKeys(n, KEYS, "the run spec");
            JsonNode format = n.get("format");
            if (format != null && !FORMAT.equals(format.asText())) {
                throw new IllegalArgumentException("format is '" + format.asText() + "', not '" + FORMAT + "'");
            }
            long version = Json.integer(n, "version", "the run spec");
            if (version < 1 || version > VERSION) {
                throw new IllegalArgumentException("run spec version " + version + " is not one this FineScope "
                        + "reads (1 to " + VERSION + ")");
            }
            String name = n.has("name") ? Json.text(n, "name", "the run spec") : "";
            Path base = Json.path(n, "base", "the run spec", baseDir);
            DataSpec data = DataSpec.fromTree(Json.required(n, "data", "the run spec"), baseDir);
            JsonNode p = Json.required(n, "plan", "the run spec");
            PlanSource plan;
            if (p.isTextual()) {
                plan = PlanSource.file(Json.toPath(p.asText(), "plan", baseDir));
            } else if (p.isObject()) {
                plan = PlanSource.of(PlanJson.fromTree(p, source, "plan: "));
            } else {
                throw new IllegalArgumentException("plan must be a plan object or a plan file's path, got " + p);
            }
            HyperParameters h = n.has("hyperParameters")
                    ? HyperParameters.fromTree(n.get("hyperParameters")) : HyperParameters.DEFAULTS;
            Device device = n.has("device") ? Device.fromJsonName(Json.text(n, "device", "the run spec"))
                    : Device.AUTO;
            Path output = Json.path(n, "output", "the run spec", baseDir);
            return new RunSpec(name, base, data, plan, h, device, output);
        } catch (PlanException e) {
            throw new RunException(source, e.problem(), e);
        } catch (IllegalArgumentException e) {
            throw new RunException(source, e.getMessage(), e);
        }
    }
}
