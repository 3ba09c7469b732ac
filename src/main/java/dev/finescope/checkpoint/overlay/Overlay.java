package dev.finescope.checkpoint.overlay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.ModelConfig;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.SafetensorsReader;
import dev.finescope.checkpoint.Tensor;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's result as FineScope stores it: only what the task changed relative to a base model, so that a task
 * costs megabytes instead of a full copy and a learned mask costs one bit per entry (product.md, method.md §4).
 * The file is plain safetensors that any tool can list; its {@code __metadata__} says what each tensor is:
 * <ul>
 * <li>{@value #FORMAT_KEY} = {@value #FORMAT};</li>
 * <li>{@value #BASE_FINGERPRINT_KEY}: the base's {@link Fingerprint}, {@code sha256-tree-v2:} and 64 hex digits
 * (older overlays: 64 hex digits of the first, single-stream algorithm; they are checked by that algorithm, see
 * {@link Fingerprint} for both definitions); {@value #BASE_LABEL_KEY}: its name for
 * people; {@value #BASE_HINT_KEY}: where to find it (a path relative to the overlay's folder, an absolute path, or
 * {@code builtin:NAME}, see {@link BuiltinModels});</li>
 * <li>{@value #MASKS_KEY}: JSON, tensor name → {@code {"shape": [...], "kept": k, "zeroed": z, "bit_order":
 * "lsb0-kept"}}; the bits are the U8 tensor {@code mask::NAME}, packed as {@link BitMask} says;</li>
 * <li>{@value #HEAD_KEY}: JSON array of the task head's tensor names (stored in full);</li>
 * <li>{@value #PLAN_KEY}, {@value #METRICS_KEY}: JSON as the plan and the run wrote them; {@value #LABELS_KEY}: JSON
 * array of label names, in the order of the head's outputs; {@value #PROVENANCE_KEY}: JSON object (data hash,
 * seed, FineScope and DJL versions …);</li>
 * <li>optionally {@value MaskScores#KEY}: the histograms of the learned mask scores ({@link MaskScores}).</li>
 * </ul>
 * Every other tensor replaces the base's tensor of the same name and shape. Opening checks all of this and says
 * in one line what is wrong; {@link #apply(ModelFolder)} checks that the base is the right one.
 */
public final class Overlay implements AutoCloseable {

    public static final String FORMAT_KEY = ModelFolder.OVERLAY_FORMAT_KEY;
    public static final String FORMAT = ModelFolder.OVERLAY_FORMAT;
    public static final String BASE_FINGERPRINT_KEY = "finescope.base_fingerprint";
    public static final String BASE_LABEL_KEY = "finescope.base_label";
    public static final String BASE_HINT_KEY = "finescope.base_hint";
    public static final String MASKS_KEY = "finescope.masks";
    public static final String HEAD_KEY = "finescope.head";
    public static final String PLAN_KEY = "finescope.plan";
    public static final String METRICS_KEY = "finescope.metrics";
    public static final String LABELS_KEY = "finescope.labels";
    public static final String PROVENANCE_KEY = "finescope.provenance";

    /** The task head of a sequence classifier, as Hugging Face's BERT and FineScope's trainer name it. */
    public static final String CLASSIFIER_WEIGHT = "classifier.weight";
    public static final String CLASSIFIER_BIAS = "classifier.bias";

    /** The name of a mask's bits is this prefix and the masked tensor's name. */
    public static final String MASK_PREFIX = "mask::";

    /** Provenance keys FineScope's trainer writes. */
    public static final String PROVENANCE_DATA_HASH = "data_hash";
    public static final String PROVENANCE_SEED = "seed";
    public static final String PROVENANCE_FINESCOPE_VERSION = "finescope_version";
    public static final String PROVENANCE_DJL_VERSION = "djl_version";

    /** What {@value #MASKS_KEY} says about one mask. */
    public record MaskInfo(String tensor, long[] shape, long kept, long zeroed) {
        public MaskInfo {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long numel() {
            return kept + zeroed;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MaskInfo m && tensor.equals(m.tensor) && Arrays.equals(shape, m.shape)
                    && kept == m.kept && zeroed == m.zeroed;
        }

        @Override
        public int hashCode() {
            return tensor.hashCode() * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return tensor + " " + Tensor.shapeString(shape) + ": " + kept + " kept, " + zeroed + " zeroed";
        }
    }

    private static final Logger LOGGER = LoggerFactory.getLogger(Overlay.class);
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final int MASK_CHUNK = 1 << 20;

    private final Path file;
    private final SafetensorsReader reader;
    private final String baseFingerprint;
    private final String baseLabel;
    private final String baseHint;
    private final Map<String, MaskInfo> masks;
    private final List<String> head;
    private final List<String> replaced;
    private final Set<String> headSet;
    private final Set<String> replacedSet;
    private final List<String> labels;
    private final String plan;
    private final String metrics;
    private final Map<String, String> provenance;

    private Overlay(Path file, SafetensorsReader reader) {
        this.file = file;
        this.reader = reader;
        Map<String, String> meta = reader.metadata();
        checkFormat(meta);
        baseFingerprint = meta.get(BASE_FINGERPRINT_KEY);
        if (baseFingerprint == null) {
            throw fail("has no " + BASE_FINGERPRINT_KEY + " in its metadata, so its base cannot be checked");
        }
        if (!Fingerprint.isWellFormed(baseFingerprint)) {
            throw fail("has a malformed " + BASE_FINGERPRINT_KEY + " " + Messages.quote(baseFingerprint)
                    + " (expected sha256-tree-v2: followed by 64 lowercase hex digits, or 64 lowercase hex digits alone)");
        }
        baseLabel = meta.getOrDefault(BASE_LABEL_KEY, "");
        baseHint = meta.getOrDefault(BASE_HINT_KEY, "");
        masks = Collections.unmodifiableMap(readMasks(required(meta, MASKS_KEY)));
        head = List.copyOf(readHead(required(meta, HEAD_KEY)));
        headSet = Set.copyOf(head);
        replaced = List.copyOf(readReplaced());
        replacedSet = Set.copyOf(replaced);
        labels = List.copyOf(readLabels(meta.get(LABELS_KEY)));
        plan = checkedJson(meta, PLAN_KEY);
        metrics = checkedJson(meta, METRICS_KEY);
        provenance = Collections.unmodifiableMap(readProvenance(meta.get(PROVENANCE_KEY)));
        checkLabelsFitHead();
    }

    /**
     * Opens and checks an overlay file: its format, its metadata, and every mask (byte length
     * {@code ceil(numel / 8)}, unused bits 0, kept and zeroed counts as declared). The base is not needed yet.
     */
    public static Overlay open(Path file) {
        SafetensorsReader reader = SafetensorsReader.open(file);
        try {
            Overlay overlay = new Overlay(file, reader);
            LOGGER.debug("opened overlay {}: {} replaced, {} masked, {} head tensors", file, overlay.replaced.size(),
                    overlay.masks.size(), overlay.head.size());
            return overlay;
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /** True when {@code checkpoint}'s metadata marks it as an overlay (of any format version). */
    public static boolean isOverlay(Checkpoint checkpoint) {
        return ModelFolder.isOverlay(checkpoint);
    }

    // ------------------------------------------------------------------------------------------------ reading

    private CheckpointException fail(String problem) {
        return new CheckpointException(file, problem);
    }

    private void checkFormat(Map<String, String> meta) {
        String format = meta.get(FORMAT_KEY);
        if (format == null) {
            throw fail("is not a FineScope overlay: its metadata has no " + FORMAT_KEY);
        }
        if (!FORMAT.equals(format)) {
            if (format.startsWith("overlay/")) {
                throw fail("is an overlay of format " + Messages.quote(format) + ", which this FineScope does not "
                        + "read (it reads " + FORMAT + "); a newer FineScope may have written it");
            }
            throw fail("has an unknown " + FORMAT_KEY + " " + Messages.quote(format) + " (expected " + FORMAT + ")");
        }
    }

    private String required(Map<String, String> meta, String key) {
        String value = meta.get(key);
        if (value == null) {
            throw fail("has no " + key + " in its metadata");
        }
        return value;
    }

    private JsonNode json(String key, String value) {
        try {
            JsonNode node = JSON.readTree(value);
            if (node == null || node.isMissingNode()) {
                throw fail("metadata " + key + " is empty, not JSON");
            }
            return node;
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
            throw new CheckpointException(file, "metadata " + key + " is not valid JSON: "
                    + Messages.quote(message.lines().findFirst().orElse("")), e);
        }
    }

    private String checkedJson(Map<String, String> meta, String key) {
        String value = meta.get(key);
        if (value == null) {
            return null;
        }
        json(key, value);
        return value;
    }

    private Map<String, MaskInfo> readMasks(String value) {
        JsonNode node = json(MASKS_KEY, value);
        if (!node.isObject()) {
            throw fail("metadata " + MASKS_KEY + " is not a JSON object");
        }
        Map<String, MaskInfo> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), readMask(e.getKey(), e.getValue()));
        }
        for (String name : reader.tensorNames()) {
            if (name.startsWith(MASK_PREFIX) && !out.containsKey(name.substring(MASK_PREFIX.length()))) {
                throw fail("holds mask bits " + Messages.quote(name) + " that " + MASKS_KEY + " does not describe");
            }
        }
        return out;
    }

    private MaskInfo readMask(String name, JsonNode spec) {
        String q = Messages.quote(name);
        if (!spec.isObject()) {
            throw fail("mask of " + q + " in " + MASKS_KEY + " is not a JSON object");
        }
        JsonNode shapeNode = spec.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw fail("mask of " + q + " has no shape array in " + MASKS_KEY);
        }
        long[] shape = new long[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!isNonNegativeLong(d)) {
                throw fail("mask of " + q + " has a bad shape " + Messages.quote(shapeNode.toString())
                        + ": dimensions must be non-negative integers");
            }
            shape[i] = d.longValue();
            try {
                numel = Math.multiplyExact(numel, shape[i]);
            } catch (ArithmeticException ex) {
                throw fail("mask of " + q + " has a shape too large to exist: " + Messages.quote(shapeNode.toString()));
            }
        }
        JsonNode keptNode = spec.get("kept");
        JsonNode zeroedNode = spec.get("zeroed");
        if (!isNonNegativeLong(keptNode) || !isNonNegativeLong(zeroedNode)) {
            throw fail("mask of " + q + " needs non-negative integer counts 'kept' and 'zeroed' in " + MASKS_KEY);
        }
        long kept = keptNode.longValue();
        long zeroed = zeroedNode.longValue();
        if (kept > numel || zeroed != numel - kept) {
            throw fail("mask of " + q + " declares " + kept + " kept and " + zeroed + " zeroed entries, but its shape "
                    + Tensor.shapeString(shape) + " has " + numel);
        }
        JsonNode order = spec.get("bit_order");
        if (order == null || !BitMask.BIT_ORDER.equals(order.asText(null))) {
            String given = order == null ? "(none)"
                    : Messages.quote(order.isTextual() ? order.textValue() : order.toString());
            throw fail("mask of " + q + " has bit_order " + given
                    + "; this FineScope reads only " + Messages.quote(BitMask.BIT_ORDER));
        }
        String bitsName = MASK_PREFIX + name;
        if (!reader.contains(bitsName)) {
            throw fail("describes a mask of " + q + " but holds no tensor " + Messages.quote(bitsName));
        }
        Tensor bits = reader.tensor(bitsName);
        if (bits.dtype() != DType.U8) {
            throw fail("mask bits " + Messages.quote(bitsName) + " are " + bits.dtype() + ", not U8");
        }
        long expected = BitMask.packedLength(numel);
        if (bits.numel() != expected) {
            throw fail("mask bits " + Messages.quote(bitsName) + " hold " + bits.numel() + " bytes, but "
                    + numel + " entries " + Tensor.shapeString(shape) + " take ceil(" + numel + "/8) = " + expected);
        }
        checkBits(bits, name, numel, kept);
        return new MaskInfo(name, shape, kept, zeroed);
    }

    /** Counts the 1 bits and checks the unused bits of the last byte. */
    private void checkBits(Tensor bits, String name, long numel, long declaredKept) {
        long length = bits.numel();
        long count = 0;
        byte[] chunk = new byte[(int) Math.min(MASK_CHUNK, length)];
        for (long from = 0; from < length; from += MASK_CHUNK) {
            int n = (int) Math.min(MASK_CHUNK, length - from);
            ByteBuffer b = bits.bytes(from, n).duplicate();
            b.get(chunk, 0, n);
            count += BitMask.countKept(chunk, 0, n);
            if (from + n == length) {
                int used = (int) (numel % 8);
                int last = chunk[n - 1] & 0xff;
                if (used != 0 && (last & ~((1 << used) - 1)) != 0) {
                    throw fail("mask of " + Messages.quote(name) + " sets bits past its last entry in its last byte"
                            + " (0x" + Integer.toHexString(last) + " with " + used + " entries used); they must be 0");
                }
            }
        }
        if (count != declaredKept) {
            throw fail("mask of " + Messages.quote(name) + " keeps " + count + " entries, but " + MASKS_KEY
                    + " declares " + declaredKept);
        }
    }

    private List<String> readHead(String value) {
        JsonNode node = json(HEAD_KEY, value);
        if (!node.isArray()) {
            throw fail("metadata " + HEAD_KEY + " is not a JSON array of tensor names");
        }
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode n : node) {
            if (!n.isTextual()) {
                throw fail("metadata " + HEAD_KEY + " holds " + Messages.quote(n.toString()) + ", not a tensor name");
            }
            String name = n.textValue();
            if (!seen.add(name)) {
                throw fail("metadata " + HEAD_KEY + " names " + Messages.quote(name) + " twice");
            }
            if (!reader.contains(name) || name.startsWith(MASK_PREFIX)) {
                throw fail("names head tensor " + Messages.quote(name) + " in " + HEAD_KEY + " but holds no such tensor");
            }
            if (masks.containsKey(name)) {
                throw fail("tensor " + Messages.quote(name) + " is both part of the head and masked");
            }
            Tensor t = reader.tensor(name);
            if (!t.dtype().isFloating()) {
                throw fail("head tensor " + Messages.quote(name) + " is " + t.dtype() + ", not a floating type");
            }
            out.add(name);
        }
        return out;
    }

    private List<String> readReplaced() {
        List<String> out = new ArrayList<>();
        Set<String> headNames = new HashSet<>(head);
        for (String name : reader.tensorNames()) {
            if (name.startsWith(MASK_PREFIX) || headNames.contains(name)) {
                continue;
            }
            if (masks.containsKey(name)) {
                throw fail("tensor " + Messages.quote(name) + " is both replaced and masked");
            }
            Tensor t = reader.tensor(name);
            if (!t.dtype().isFloating()) {
                throw fail("replaced tensor " + Messages.quote(name) + " is " + t.dtype() + ", not a floating type");
            }
            out.add(name);
        }
        return out;
    }

    private List<String> readLabels(String value) {
        if (value == null) {
            return List.of();
        }
        JsonNode node = json(LABELS_KEY, value);
        if (!node.isArray()) {
            throw fail("metadata " + LABELS_KEY + " is not a JSON array of label names");
        }
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode n : node) {
            if (!n.isTextual()) {
                throw fail("metadata " + LABELS_KEY + " holds " + Messages.quote(n.toString()) + ", not a label name");
            }
            if (!seen.add(n.textValue())) {
                throw fail("metadata " + LABELS_KEY + " names label " + Messages.quote(n.textValue()) + " twice");
            }
            out.add(n.textValue());
        }
        return out;
    }

    private Map<String, String> readProvenance(String value) {
        Map<String, String> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        JsonNode node = json(PROVENANCE_KEY, value);
        if (!node.isObject()) {
            throw fail("metadata " + PROVENANCE_KEY + " is not a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            out.put(e.getKey(), v.isValueNode() ? v.asText() : v.toString());
        }
        return out;
    }

    /** A classifier's rows must match the label names, or predictions would be named wrongly. */
    private void checkLabelsFitHead() {
        if (labels.isEmpty()) {
            return;
        }
        for (String name : List.of(CLASSIFIER_WEIGHT, CLASSIFIER_BIAS)) {
            if (headSet.contains(name)) {
                long[] shape = reader.tensor(name).shape();
                if (shape.length == 0 || shape[0] != labels.size()) {
                    throw fail("head tensor " + Messages.quote(name) + " has shape " + Tensor.shapeString(shape)
                            + ", but " + LABELS_KEY + " names " + labels.size() + " labels");
                }
            }
        }
    }

    private static boolean isNonNegativeLong(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong() && n.longValue() >= 0;
    }

    // ------------------------------------------------------------------------------------------------ applying

    /**
     * Base ⊕ this overlay, as a checkpoint that reads from both: a {@link CheckpointException} naming this file and
     * both bases when {@code base}'s fingerprint is not the one this overlay was made for, or when a tensor it
     * replaces or masks is missing from the base or has another shape. The result is a view: closing it closes
     * nothing, and this overlay and {@code base} must stay open while it is used.
     */
    public Checkpoint apply(ModelFolder base) {
        String actual = Fingerprint.sameForm(base, baseFingerprint);
        if (!actual.equals(baseFingerprint)) {
            throw fail("is an overlay made for base " + Messages.quote(baseLabel) + " (fingerprint "
                    + Fingerprint.abbreviate(baseFingerprint) + "), but " + Messages.quote(base.label()) + " ("
                    + base.path() + ") has fingerprint " + Fingerprint.abbreviate(actual));
        }
        return applyUnchecked(base.weights());
    }

    /** Base ⊕ overlay after checking names and shapes only; the caller vouches for the fingerprint. */
    Checkpoint applyUnchecked(Checkpoint base) {
        checkFits(base);
        return new OverlaidCheckpoint(this, base);
    }

    /** Every tensor this overlay replaces or masks exists in {@code base} with the same shape. */
    void checkFits(Checkpoint base) {
        String where = " of the base " + base.source();
        for (String name : replaced) {
            if (!base.contains(name)) {
                throw fail("replaces tensor " + Messages.quote(name) + ", which is not one" + where);
            }
            Tensor b = base.tensor(name);
            long[] mine = reader.tensor(name).shape();
            if (!Arrays.equals(mine, b.shape())) {
                throw fail("replaces tensor " + Messages.quote(name) + " with shape " + Tensor.shapeString(mine)
                        + ", but it has shape " + Tensor.shapeString(b.shape()) + " in the base " + base.source());
            }
            if (!b.dtype().isFloating()) {
                throw fail("replaces tensor " + Messages.quote(name) + ", which is " + b.dtype()
                        + " (not floating)" + where);
            }
        }
        for (MaskInfo m : masks.values()) {
            if (!base.contains(m.tensor())) {
                throw fail("masks tensor " + Messages.quote(m.tensor()) + ", which is not one" + where);
            }
            long[] shape = base.tensor(m.tensor()).shape();
            if (!Arrays.equals(shape, m.shape)) {
                throw fail("masks tensor " + Messages.quote(m.tensor()) + " as shape " + Tensor.shapeString(m.shape)
                        + " (" + m.numel() + " entries), but it has shape " + Tensor.shapeString(shape) + " ("
                        + base.tensor(m.tensor()).numel() + " entries) in the base " + base.source());
            }
        }
    }

    /**
     * Where the base named by {@value #BASE_HINT_KEY} is: {@code builtin:NAME} through {@link BuiltinModels}, an
     * absolute path as it is, anything else relative to this overlay's folder. When the hint leads nowhere (the
     * overlay was copied or moved without its base) the base is looked for by its fingerprint
     * ({@link #findBaseByFingerprint}). A {@link CheckpointException} naming this file when the hint is malformed
     * or names a built-in model this FineScope lacks, or when neither the hint nor the fingerprint finds the base.
     */
    public Path resolveBase() {
        String what = "its base " + Messages.quote(baseLabel);
        if (baseHint.isBlank()) {
            return findBaseByFingerprint().orElseThrow(() -> fail("does not say where " + what + " is, and no "
                    + "model with its fingerprint is known here; " + GIVE_THE_BASE));
        }
        if (baseHint.startsWith(BuiltinModels.PREFIX)) {
            String name = baseHint.substring(BuiltinModels.PREFIX.length());
            Path folder = BuiltinModels.resolve(name).orElseThrow(() -> fail("names the built-in base "
                    + Messages.quote(name) + ", which this FineScope does not provide (it has "
                    + (BuiltinModels.names().isEmpty() ? "none" : String.join(", ", BuiltinModels.names())) + ")"));
            return folder.toAbsolutePath().normalize();
        }
        Path hinted;
        try {
            hinted = Path.of(baseHint);
        } catch (InvalidPathException e) {
            throw new CheckpointException(file, "names " + what + " at " + Messages.quote(baseHint)
                    + ", which is not a valid path here", e);
        }
        Path folder = file.toAbsolutePath().getParent();
        Path resolved = hinted.isAbsolute() || folder == null ? hinted : folder.resolve(hinted);
        Path absolute = resolved.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            return absolute;
        }
        return findBaseByFingerprint().orElseThrow(() -> fail("names " + what + " at " + Messages.quote(baseHint)
                + ", but " + absolute + " does not exist, and no model with its fingerprint is known here; "
                + GIVE_THE_BASE));
    }

    /** How a person gives an overlay its base when FineScope cannot find it. */
    private static final String GIVE_THE_BASE = "give its base (--base on the command line; in the app, the "
            + "workspace's base)";

    /**
     * A model whose tensors have this overlay's base fingerprint, found without the hint: among the models whose
     * fingerprints the per-user cache remembers (every base an overlay was written for or opened on, unchanged
     * since), then among the built-in models already imported into that cache (none is imported for the search). Each candidate is checked by its fingerprint, which the cache
     * answers without reading the weights; a model folder is preferred to its weights file.
     */
    public Optional<Path> findBaseByFingerprint() {
        List<Path> candidates = new ArrayList<>();
        FingerprintCache cache = new FingerprintCache(dev.finescope.checkpoint.UserDirectories.cache());
        for (List<Path> files : cache.modelsWith(baseFingerprint)) {
            Path config = files.stream().filter(f -> f.getFileName() != null
                    && f.getFileName().toString().equals(ModelConfig.CONFIG_FILE_NAME)).findFirst().orElse(null);
            candidates.add(config != null ? config.getParent() : files.get(0));
        }
        for (String name : BuiltinModels.names()) {
            BuiltinModels.made(name).ifPresent(candidates::add);
        }
        for (Path candidate : candidates) {
            if (!Files.exists(candidate)) {
                continue;
            }
            try (ModelFolder model = ModelFolder.open(candidate)) {
                if (Fingerprint.sameForm(model, baseFingerprint).equals(baseFingerprint)) {
                    LOGGER.info("{}: its base {} is not at {}; found it by its fingerprint at {}", file,
                            Messages.quote(baseLabel), Messages.quote(baseHint), candidate);
                    return Optional.of(candidate.toAbsolutePath().normalize());
                }
            } catch (CheckpointException | IllegalArgumentException e) {
                LOGGER.debug("{} is not the base of {}: {}", candidate, file, e.getMessage());
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------------------------------------ accessors

    /** The overlay file. */
    public Path file() {
        return file;
    }

    public String baseFingerprint() {
        return baseFingerprint;
    }

    /** The base's name for people (its folder name when the overlay was written); may be empty. */
    public String baseLabel() {
        return baseLabel;
    }

    /** Where the base was: see {@link #resolveBase()}; may be empty. */
    public String baseHint() {
        return baseHint;
    }

    /** Tensors stored in full that replace the base's, in file order. */
    public List<String> replacedNames() {
        return replaced;
    }

    /** Tensors of the base that this overlay masks, in the order of {@value #MASKS_KEY}. */
    public List<String> maskedNames() {
        return List.copyOf(masks.keySet());
    }

    /** The task head's tensors, in the order of {@value #HEAD_KEY}. */
    public List<String> headNames() {
        return head;
    }

    /** What the metadata says about the mask of {@code tensor}; a {@link CheckpointException} if there is none. */
    public MaskInfo maskInfo(String tensor) {
        MaskInfo m = masks.get(tensor);
        if (m == null) {
            throw fail("has no mask of " + Messages.quote(tensor));
        }
        return m;
    }

    /** The mask of {@code tensor} read into memory (one bit per entry). */
    public BitMask mask(String tensor) {
        MaskInfo m = maskInfo(tensor);
        Tensor bits = reader.tensor(MASK_PREFIX + tensor);
        byte[] packed = new byte[Math.toIntExact(bits.numel())];
        for (int from = 0; from < packed.length; from += MASK_CHUNK) {
            int n = Math.min(MASK_CHUNK, packed.length - from);
            bits.bytes(from, n).duplicate().get(packed, from, n);
        }
        return BitMask.fromPacked(m.shape, packed);
    }

    /** A replaced or head tensor as stored (F32 as FineScope writes them). */
    public Tensor tensor(String name) {
        if (!replacedSet.contains(name) && !headSet.contains(name)) {
            throw fail("has no replaced or head tensor " + Messages.quote(name));
        }
        return reader.tensor(name);
    }

    /** Any tensor of the file, mask bits included. */
    Tensor storedTensor(String name) {
        return reader.tensor(name);
    }

    boolean isReplaced(String name) {
        return replacedSet.contains(name);
    }

    boolean isHead(String name) {
        return headSet.contains(name);
    }

    boolean isMasked(String name) {
        return masks.containsKey(name);
    }

    /** Label names in the order of the head's outputs; empty when the overlay does not name them. */
    public List<String> labels() {
        return labels;
    }

    /** The plan as JSON, or {@code null} when the overlay holds none. */
    public String planJson() {
        return plan;
    }

    /** The metrics as JSON, or {@code null} when the overlay holds none. */
    public String metricsJson() {
        return metrics;
    }

    /** Provenance entries (data hash, seed, versions …) as strings. */
    public Map<String, String> provenance() {
        return provenance;
    }

    /**
     * The histograms of the mask scores that training ended with; empty for an overlay written without them (by
     * an earlier version, or by a tool other than a training run). A malformed entry is a
     * {@link dev.finescope.checkpoint.CheckpointException} naming this file.
     */
    public Optional<MaskScores> maskScores() {
        String json = reader.metadata().get(MaskScores.KEY);
        return json == null ? Optional.empty() : Optional.of(MaskScores.parse(file, json));
    }

    /** The whole {@code __metadata__} of the file. */
    public Map<String, String> metadata() {
        return reader.metadata();
    }

    /** Bytes of tensor data in the file: what the task costs to store. */
    public long dataBytes() {
        long sum = 0;
        for (String name : reader.tensorNames()) {
            sum += reader.tensor(name).byteSize();
        }
        return sum;
    }

    @Override
    public void close() {
        reader.close();
    }

    @Override
    public String toString() {
        return "overlay " + file + " on " + baseLabel + " (" + replaced.size() + " replaced, " + masks.size()
                + " masked, " + head.size() + " head tensors)";
    }
}
