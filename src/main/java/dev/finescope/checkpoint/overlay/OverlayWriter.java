package dev.finescope.checkpoint.overlay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.SafetensorsWriter;
import dev.finescope.checkpoint.Tensor;
import dev.finescope.common.Progress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds an {@link Overlay} file: what a training run hands over at its end (trained tensors, learned masks, the
 * task head) together with what makes the result trustworthy later (which base, which plan, which data and seed,
 * which versions). Given the base model itself ({@link #forBase(ModelFolder, String)}), every name and shape is
 * checked against it as it is added, so a wrong overlay is refused when it is made rather than when a user opens
 * it. The file is written atomically by {@link SafetensorsWriter}; tensors given as {@link Tensor}s are streamed.
 */
public final class OverlayWriter {

    private final String fingerprint;
    private final String label;
    private final String hint;
    private final Checkpoint base;
    private final Map<String, Entry> replaced = new LinkedHashMap<>();
    private final Map<String, BitMask> masks = new LinkedHashMap<>();
    private final Map<String, Entry> head = new LinkedHashMap<>();
    private final Set<String> names = new HashSet<>();
    private String plan = "{}";
    private String metrics = "{}";
    private List<String> labels = List.of();
    private Map<String, String> provenance = Map.of();
    private MaskScores maskScores;

    /** A tensor to store in full: values in memory or a tensor to stream. */
    private record Entry(long[] shape, float[] values, Tensor source) {
    }

    private OverlayWriter(String fingerprint, String label, String hint, Checkpoint base) {
        if (!Fingerprint.isWellFormed(fingerprint)) {
            throw new IllegalArgumentException("not a fingerprint (sha256-tree-v2:HEX or 64 lowercase hex digits): " + fingerprint);
        }
        this.fingerprint = fingerprint;
        this.label = Objects.requireNonNull(label, "label");
        this.hint = Objects.requireNonNull(hint, "hint");
        this.base = base;
    }

    /**
     * An overlay on {@code base}: its fingerprint (computed or cached) and label are recorded, and names and shapes
     * are checked against it. {@code hint} says where the base is found again: see {@link #relativeHint} and
     * {@link BuiltinModels#hint}. The base must stay open until {@link #write} returns.
     */
    public static OverlayWriter forBase(ModelFolder base, String hint) {
        return new OverlayWriter(Fingerprint.of(base), base.label(), hint, base.weights());
    }

    /** An overlay on a base known only by its fingerprint, label and hint; nothing is checked against it. */
    public static OverlayWriter forBase(String fingerprint, String label, String hint) {
        return new OverlayWriter(fingerprint, label, hint, null);
    }

    /**
     * The hint for a base at {@code base}: {@code builtin:NAME} when it is a model shipped with FineScope (so the
     * overlay finds it on any machine), else {@link #relativeHint}.
     */
    public static String hintFor(Path overlayFile, Path base) {
        Path b = base.toAbsolutePath().normalize();
        for (String name : BuiltinModels.names()) {
            java.util.Optional<Path> folder = BuiltinModels.resolve(name);
            if (folder.isPresent() && folder.get().toAbsolutePath().normalize().equals(b)) {
                return BuiltinModels.hint(name);
            }
        }
        return relativeHint(overlayFile, base);
    }

    /**
     * The hint for a base at {@code base} seen from an overlay written to {@code overlayFile}: a relative path with
     * {@code /} separators when one exists (so that a folder holding both can move as a whole), else absolute.
     */
    public static String relativeHint(Path overlayFile, Path base) {
        Path from = overlayFile.toAbsolutePath().normalize().getParent();
        Path to = base.toAbsolutePath().normalize();
        if (from == null || !Objects.equals(from.getRoot(), to.getRoot())) {
            return to.toString();
        }
        String relative = from.relativize(to).toString().replace(from.getFileSystem().getSeparator(), "/");
        return relative.isEmpty() ? "." : relative;
    }

    // ------------------------------------------------------------------------------------------------ tensors

    /** Stores trained values of base tensor {@code name} in full, as F32. */
    public OverlayWriter replace(String name, long[] shape, float[] values) {
        checkValues(name, shape, values);
        claim(name, shape, "replaced", true);
        replaced.put(name, new Entry(shape.clone(), values.clone(), null));
        return this;
    }

    /** Stores a trained tensor under its own name, streamed and converted to F32 when written. */
    public OverlayWriter replace(Tensor trained) {
        return replace(trained.name(), trained);
    }

    /** Stores {@code trained} as the new value of base tensor {@code name}, streamed and converted to F32. */
    public OverlayWriter replace(String name, Tensor trained) {
        checkFloating(name, trained);
        claim(name, trained.shape(), "replaced", true);
        replaced.put(name, new Entry(trained.shape(), null, trained));
        return this;
    }

    /** Masks base tensor {@code name}: entries whose bit is 0 become zero. */
    public OverlayWriter mask(String name, BitMask mask) {
        claim(name, mask.shape(), "masked", false);
        masks.put(name, mask);
        return this;
    }

    /** Masks base tensor {@code name} with one flag per entry, {@code true} = kept. */
    public OverlayWriter mask(String name, long[] shape, boolean[] kept) {
        return mask(name, BitMask.pack(shape, kept));
    }

    /** Masks base tensor {@code name} with one byte per entry, 1 = kept, 0 = zeroed. */
    public OverlayWriter mask(String name, long[] shape, byte[] zeroOrOne) {
        return mask(name, BitMask.pack(shape, zeroOrOne));
    }

    /** Masks base tensor {@code name} with bits already packed as {@link BitMask} documents. */
    public OverlayWriter maskPacked(String name, long[] shape, byte[] packed) {
        return mask(name, BitMask.fromPacked(shape, packed));
    }

    /** Adds a task-head tensor ({@code classifier.weight}, {@code classifier.bias}) as F32. */
    public OverlayWriter head(String name, long[] shape, float[] values) {
        checkValues(name, shape, values);
        claimName(name, "head");
        head.put(name, new Entry(shape.clone(), values.clone(), null));
        return this;
    }

    /** Adds a task-head tensor under its own name, streamed and converted to F32. */
    public OverlayWriter head(Tensor trained) {
        return head(trained.name(), trained);
    }

    /** Adds {@code trained} as task-head tensor {@code name}, streamed and converted to F32. */
    public OverlayWriter head(String name, Tensor trained) {
        checkFloating(name, trained);
        claimName(name, "head");
        head.put(name, new Entry(trained.shape(), null, trained));
        return this;
    }

    // ------------------------------------------------------------------------------------------------ metadata

    /** The plan the run followed, as JSON (a plan file's content). */
    public OverlayWriter plan(String json) {
        plan = checkJson("plan", json);
        return this;
    }

    /** The run's final metrics, as JSON. */
    public OverlayWriter metrics(String json) {
        metrics = checkJson("metrics", json);
        return this;
    }

    /** Label names in the order of the head's outputs (one name for a regression head). */
    public OverlayWriter labels(List<String> names) {
        List<String> copy = List.copyOf(names);
        if (new HashSet<>(copy).size() != copy.size()) {
            throw new IllegalArgumentException("label names must be distinct: " + copy);
        }
        labels = copy;
        return this;
    }

    /**
     * Where the result came from: at least {@link Overlay#PROVENANCE_DATA_HASH}, {@link Overlay#PROVENANCE_SEED},
     * {@link Overlay#PROVENANCE_FINESCOPE_VERSION} and {@link Overlay#PROVENANCE_DJL_VERSION} when training wrote it.
     */
    public OverlayWriter provenance(Map<String, String> entries) {
        Map<String, String> copy = new LinkedHashMap<>();
        entries.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, k)));
        provenance = copy;
        return this;
    }

    /** The histograms of the learned scores of the masked matrices, stored under {@link MaskScores#KEY}. */
    public OverlayWriter maskScores(MaskScores scores) {
        maskScores = Objects.requireNonNull(scores, "scores");
        return this;
    }

    // ------------------------------------------------------------------------------------------------ writing

    /** Writes the overlay to {@code target} atomically. */
    public void write(Path target) {
        write(target, Progress.NONE);
    }

    /** As {@link #write(Path)}, reporting bytes written; a cancel leaves nothing behind. */
    public void write(Path target, Progress progress) {
        checkLabelsFitHead();
        if (maskScores != null && !masks.keySet().containsAll(maskScores.tensors())) {
            throw new IllegalStateException("mask scores of matrices without a mask: "
                    + maskScores.tensors().stream().filter(n -> !masks.containsKey(n)).toList());
        }
        SafetensorsWriter w = new SafetensorsWriter();
        w.metadata("format", "pt");
        w.metadata(Overlay.FORMAT_KEY, Overlay.FORMAT);
        w.metadata(Overlay.BASE_FINGERPRINT_KEY, fingerprint);
        w.metadata(Overlay.BASE_LABEL_KEY, label);
        w.metadata(Overlay.BASE_HINT_KEY, hint);
        w.metadata(Overlay.MASKS_KEY, masksJson());
        w.metadata(Overlay.HEAD_KEY, toJson(Overlay.JSON.createArrayNode().addAll(
                head.keySet().stream().map(Overlay.JSON.getNodeFactory()::textNode).toList())));
        w.metadata(Overlay.PLAN_KEY, plan);
        w.metadata(Overlay.METRICS_KEY, metrics);
        w.metadata(Overlay.LABELS_KEY, toJson(Overlay.JSON.createArrayNode().addAll(
                labels.stream().map(Overlay.JSON.getNodeFactory()::textNode).toList())));
        ObjectNode prov = Overlay.JSON.createObjectNode();
        provenance.forEach(prov::put);
        w.metadata(Overlay.PROVENANCE_KEY, toJson(prov));
        if (maskScores != null) {
            w.metadata(MaskScores.KEY, maskScores.toJson());
        }
        replaced.forEach((name, e) -> add(w, name, e));
        masks.forEach((name, m) -> w.addU8(Overlay.MASK_PREFIX + name, new long[] {BitMask.packedLength(m.numel())},
                m.packed()));
        head.forEach((name, e) -> add(w, name, e));
        w.write(target, progress);
    }

    private static void add(SafetensorsWriter w, String name, Entry e) {
        if (e.values != null) {
            w.addFloats(name, DType.F32, e.shape, e.values);
        } else {
            w.addConverted(name, e.source, DType.F32);
        }
    }

    private String masksJson() {
        ObjectNode root = Overlay.JSON.createObjectNode();
        masks.forEach((name, m) -> {
            ObjectNode spec = root.putObject(name);
            ArrayNode shape = spec.putArray("shape");
            for (long d : m.shape()) {
                shape.add(d);
            }
            spec.put("kept", m.keptCount());
            spec.put("zeroed", m.zeroedCount());
            spec.put("bit_order", BitMask.BIT_ORDER);
        });
        return toJson(root);
    }

    private static String toJson(Object node) {
        try {
            return Overlay.JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing JSON to a string failed", e);
        }
    }

    // ------------------------------------------------------------------------------------------------ checks

    private void claimName(String name, String role) {
        Objects.requireNonNull(name, "name");
        if (name.startsWith(Overlay.MASK_PREFIX)) {
            throw new IllegalArgumentException(name + ": names starting with " + Overlay.MASK_PREFIX
                    + " are reserved for mask bits");
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException(name + " is already in the overlay; it cannot also be " + role);
        }
    }

    private void claim(String name, long[] shape, String role, boolean floating) {
        if (base != null) {
            if (!base.contains(name)) {
                throw new IllegalArgumentException(name + " cannot be " + role + ": the base " + base.source()
                        + " has no such tensor");
            }
            long[] baseShape = base.tensor(name).shape();
            if (!Arrays.equals(baseShape, shape)) {
                throw new IllegalArgumentException(name + " cannot be " + role + " with shape "
                        + Tensor.shapeString(shape) + ": it has shape " + Tensor.shapeString(baseShape)
                        + " in the base");
            }
            if (floating && !base.tensor(name).dtype().isFloating()) {
                throw new IllegalArgumentException(name + " is " + base.tensor(name).dtype()
                        + " in the base; only floating tensors are " + role);
            }
        }
        claimName(name, role);
    }

    private static void checkFloating(String name, Tensor t) {
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException(name + ": " + t.dtype() + " is not a floating type");
        }
    }

    private static void checkValues(String name, long[] shape, float[] values) {
        Objects.requireNonNull(name, "name");
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(name + ": negative dimension in " + Tensor.shapeString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (values.length != n) {
            throw new IllegalArgumentException(name + ": shape " + Tensor.shapeString(shape) + " needs " + n
                    + " values, got " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException(name + ": entry " + i + " is " + (Float.isNaN(values[i]) ? "NaN"
                        : "infinite") + "; an overlay holds finite values only");
            }
        }
    }

    private void checkLabelsFitHead() {
        if (labels.isEmpty()) {
            return;
        }
        for (String name : List.of(Overlay.CLASSIFIER_WEIGHT, Overlay.CLASSIFIER_BIAS)) {
            Entry e = head.get(name);
            if (e != null && (e.shape.length == 0 || e.shape[0] != labels.size())) {
                throw new IllegalArgumentException(name + " has shape " + Tensor.shapeString(e.shape) + ", but "
                        + labels.size() + " labels are named: " + labels);
            }
        }
    }

    private static String checkJson(String what, String json) {
        Objects.requireNonNull(json, what);
        try {
            if (Overlay.JSON.readTree(json) == null || Overlay.JSON.readTree(json).isMissingNode()) {
                throw new IllegalArgumentException(what + " is empty, not JSON");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return json;
    }
}
