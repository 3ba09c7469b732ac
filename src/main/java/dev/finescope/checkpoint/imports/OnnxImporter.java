package dev.finescope.checkpoint.imports;

import static dev.finescope.checkpoint.imports.ImportProblems.quote;

import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.ModelConfig;
import dev.finescope.checkpoint.imports.ImportedTensor.Quantization;
import dev.finescope.checkpoint.imports.OnnxModel.OnnxAttribute;
import dev.finescope.checkpoint.imports.OnnxModel.OnnxNode;
import dev.finescope.checkpoint.imports.OnnxModel.OnnxTensor;
import dev.finescope.common.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an ONNX export of a BERT-family encoder into Hugging Face tensors. Exporters keep the names of
 * embeddings, biases and LayerNorms but store each linear layer's matrix as an anonymous {@code [in, out]}
 * initializer ({@code onnx::MatMul_798}); the graph says which is which: each MatMul's output flows into the
 * Add that adds a named bias. Quantised exports (MatMulInteger, DequantizeLinear, DynamicQuantizeMatMul) are
 * followed the same way, and their int8/uint8 weights are dequantised with their scale and zero point.
 */
public final class OnnxImporter {

    private static final Logger LOGGER = LoggerFactory.getLogger(OnnxImporter.class);

    private static final Set<String> PASS_THROUGH = Set.of("Cast", "Mul", "Identity", "Reshape", "Squeeze",
            "Unsqueeze");
    private static final Set<String> LAYER_NORM_OPS = Set.of("LayerNormalization", "SkipLayerNormalization",
            "EmbedLayerNormalization", "SimplifiedLayerNormalization");

    private OnnxImporter() {
    }

    /** Reads an {@code .onnx} file, or a jar or zip holding one. */
    public static ImportedModel read(Path source, Progress progress) {
        String n = source.getFileName() == null ? "" : source.getFileName().toString().toLowerCase();
        if (n.endsWith(".jar") || n.endsWith(".zip")) {
            return readJar(source, progress);
        }
        return readFile(source, progress);
    }

    /** Reads an {@code .onnx} file, mapped; {@code tokenizer.json} and {@code vocab.txt} are taken from beside it. */
    public static ImportedModel readFile(Path onnx, Progress progress) {
        long t0 = System.nanoTime();
        ByteBuffer mapped;
        try (FileChannel ch = FileChannel.open(onnx, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                throw ImportProblems.of(onnx, "ONNX: larger than 2 GiB, so its weights would be external"
                        + " data, which is not supported");
            }
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        } catch (IOException e) {
            throw ImportProblems.of(onnx, "cannot read: " + e.getMessage(), e);
        }
        OnnxModel model = OnnxReader.read(mapped, onnx, progress);
        byte[] tokenizer = sibling(onnx, "tokenizer.json", stem(onnx) + "-tokenizer.json");
        byte[] vocab = sibling(onnx, "vocab.txt");
        ImportedModel m = convert(model, onnx, SourceKind.ONNX_FILE, onnx.getFileName().toString(), tokenizer,
                vocab, List.of());
        LOGGER.info("read {} ({} tensors) in {} ms", onnx, m.tensors().size(), (System.nanoTime() - t0) / 1_000_000);
        return m;
    }

    /**
     * Reads the one {@code .onnx} entry of a jar, mapped where it is stored uncompressed, inflated into the heap
     * otherwise (about the model's size: 90 MB for MiniLM); the tokenizer comes from the entry
     * {@code <name>-tokenizer.json} or {@code tokenizer.json} beside it.
     */
    public static ImportedModel readJar(Path jar, Progress progress) {
        long t0 = System.nanoTime();
        try (JarAccess zip = JarAccess.open(jar)) {
            List<String> onnx = zip.names().stream().filter(s -> s.toLowerCase().endsWith(".onnx")).toList();
            if (onnx.isEmpty()) {
                throw ImportProblems.of(jar, "no .onnx entry in this jar");
            }
            if (onnx.size() > 1) {
                throw ImportProblems.of(jar, "several ONNX models in this jar (" + String.join(", ", onnx)
                        + "): extract the one to import");
            }
            String entry = onnx.get(0);
            OnnxModel model = OnnxReader.read(zip.isStored(entry) ? zip.map(entry) : inflate(zip, entry, progress),
                    jar, progress);
            String dir = entry.contains("/") ? entry.substring(0, entry.lastIndexOf('/') + 1) : "";
            String stem = entry.substring(dir.length(), entry.length() - ".onnx".length());
            byte[] tokenizer = firstEntry(zip, dir + stem + "-tokenizer.json", dir + "tokenizer.json");
            if (tokenizer == null) {
                List<String> any = zip.names().stream().filter(s -> s.endsWith("tokenizer.json")).toList();
                tokenizer = any.size() == 1 ? zip.read(any.get(0)) : null;
            }
            byte[] vocab = firstEntry(zip, dir + "vocab.txt");
            ImportedModel m = convert(model, jar, SourceKind.ONNX_JAR, jar.getFileName() + "!/" + entry, tokenizer,
                    vocab, List.of());
            LOGGER.info("read {}!/{} ({} tensors) in {} ms", jar, entry, m.tensors().size(),
                    (System.nanoTime() - t0) / 1_000_000);
            return m;
        }
    }

    /**
     * A compressed entry inflated into one array, which the walker then slices without copying: one pass of the
     * inflater, and a heap of about the model's size while the import runs.
     */
    private static ByteBuffer inflate(JarAccess zip, String entry, Progress progress) {
        long size = zip.size(entry);
        if (size < 0 || size > Integer.MAX_VALUE - 16) {
            throw ImportProblems.of(zip.path(), "ONNX entry " + entry + " has size " + size
                    + ": over the 2 GiB a protobuf may hold, or unknown");
        }
        byte[] all = new byte[(int) size];
        try (InputStream in = zip.stream(entry)) {
            int off = 0;
            while (off < all.length) {
                int r = in.read(all, off, Math.min(1 << 20, all.length - off));
                if (r < 0) {
                    throw ImportProblems.of(zip.path(), "entry " + entry + " ends after " + off + " of its "
                            + size + " bytes");
                }
                off += r;
                if (progress.isCancelled()) {
                    throw new java.util.concurrent.CancellationException("import cancelled");
                }
                progress.update(off, size, "inflating " + entry);
            }
            if (in.read() >= 0) {
                throw ImportProblems.of(zip.path(), "entry " + entry + " is longer than its header says");
            }
        } catch (IOException e) {
            throw ImportProblems.of(zip.path(), "cannot read entry " + entry + ": " + e.getMessage(), e);
        }
        return ByteBuffer.wrap(all);
    }

    /** Reads a model held in memory; {@code label} names it in messages. For tests and fuzzing. */
    static ImportedModel read(byte[] model, Path label) {
        OnnxModel m = OnnxReader.read(ByteBuffer.wrap(model), label, Progress.NONE);
        return convert(m, label, SourceKind.ONNX_FILE, String.valueOf(label.getFileName()), null, null, List.of());
    }

    private static byte[] firstEntry(JarAccess zip, String... names) {
        for (String n : names) {
            if (zip.has(n)) {
                return zip.read(n);
            }
        }
        return null;
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString();
        return n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : n;
    }

    private static byte[] sibling(Path file, String... names) {
        Path dir = file.toAbsolutePath().getParent();
        for (String n : names) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) {
                try {
                    return Files.readAllBytes(p);
                } catch (IOException e) {
                    throw ImportProblems.of(p, "cannot read: " + e.getMessage(), e);
                }
            }
        }
        return null;
    }

    static ImportedModel convert(OnnxModel model, Path file, SourceKind kind, String sourceLabel, byte[] tokenizer,
                                 byte[] vocab, List<AutoCloseable> resources) {
        return new Conversion(model, file).run(kind, sourceLabel, tokenizer, vocab, resources);
    }

    /** One pass over one graph: names, dequantises and orders the weights, then infers the configuration. */
    private static final class Conversion {
        private final OnnxModel model;
        private final Path file;
        private final Map<String, OnnxTensor> inits = new LinkedHashMap<>();
        private final Map<String, OnnxNode> producer = new HashMap<>();
        private final Map<String, List<OnnxNode>> consumers = new HashMap<>();
        private final Set<String> used = new HashSet<>();
        private final Map<String, ImportedTensor> out = new LinkedHashMap<>();
        private final List<String> notes = new ArrayList<>();
        private int transposed;
        private int perChannel;
        private int perTensor;
        private final Set<DType> quantTypes = new java.util.TreeSet<>();

        Conversion(OnnxModel model, Path file) {
            this.model = model;
            this.file = file;
            for (OnnxTensor t : model.initializers()) {
                if (inits.put(t.name(), t) != null) {
                    throw error("two initializers are named " + quote(t.name()));
                }
            }
            for (OnnxNode n : model.nodes()) {
                for (String o : n.outputs()) {
                    if (!o.isEmpty()) {
                        producer.put(o, n);
                    }
                }
                for (String i : n.inputs()) {
                    if (!i.isEmpty()) {
                        consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
                    }
                }
            }
        }

        ImportedModel run(SourceKind kind, String sourceLabel, byte[] tokenizer, byte[] vocab,
                          List<AutoCloseable> resources) {
            for (OnnxNode n : model.nodes()) {
                switch (n.opType()) {
                    case "MatMul" -> matMul(n, 1, false);
                    case "Gemm" -> gemm(n);
                    case "MatMulInteger" -> matMulInteger(n);
                    case "DynamicQuantizeMatMul" -> fusedQuantized(n, 2, 3, 4);
                    case "MatMulIntegerToFloat" -> fusedQuantized(n, 3, 5, 6);
                    case "DequantizeLinear" -> dequantizedGather(n);
                    default -> {
                    }
                }
            }
            List<String> ignored = new ArrayList<>();
            for (OnnxTensor t : inits.values()) {
                if (used.contains(t.name())) {
                    continue;
                }
                if (t.isFloating() && looksLikeWeightName(t.name())) {
                    add(t.name(), plain(t));
                } else {
                    ignored.add(t.name() + " (" + OnnxModel.typeName(t.dataType()) + " " + Arrays.toString(t.dims())
                            + ")");
                }
            }
            List<ImportedTensor> tensors = new ArrayList<>(out.values());
            tensors.sort((a, b) -> BertLayout.ORDER.compare(a.name(), b.name()));

            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            meta.put(Importers.META_SOURCE, sourceLabel);
            meta.put(Importers.META_KIND, kind.name());
            String producerText = (model.producerName() + " " + model.producerVersion()).trim();
            Long opset = model.opsets().get("");
            meta.put(Importers.META_PRODUCER, (producerText.isEmpty() ? "unknown producer" : producerText)
                    + (opset != null ? ", opset " + opset : ""));
            if (transposed > 0) {
                notes.add(transposed + " MatMul weights named by the bias their output meets and transposed from"
                        + " [in, out] to [out, in]");
            }
            if (perChannel + perTensor > 0) {
                String d = "dequantised from " + quantTypes.stream().map(t -> t == DType.I8 ? "int8" : "uint8")
                        .reduce((a, b) -> a + "/" + b).orElse("int8") + " to float32 with scale and zero point: "
                        + perChannel + " per-channel, " + perTensor + " per-tensor";
                meta.put(Importers.META_DEQUANTISED, d);
                notes.add(d);
            }
            if (!ignored.isEmpty()) {
                notes.add("ignored " + ignored.size() + " initializer(s) that are not weights: "
                        + String.join(", ", ignored.subList(0, Math.min(8, ignored.size())))
                        + (ignored.size() > 8 ? ", …" : ""));
            }

            int hidden = BertLayout.hiddenSize(file, tensors);
            int heads = inferHeads(hidden);
            double eps = inferEpsilon();
            String act = inferActivation();
            Map<String, Object> config = BertLayout.config(file, tensors, heads, eps, act, "BertModel");
            meta.put(Importers.META_CONFIG_FROM, "inferred");

            if (vocab == null && tokenizer != null) {
                vocab = Vocabularies.vocabTxtFromTokenizerJson(tokenizer).orElse(null);
                if (vocab != null) {
                    notes.add("vocab.txt derived from tokenizer.json");
                }
            }
            if (vocab != null && Vocabularies.lineCount(vocab) != ((Number) config.get("vocab_size")).intValue()) {
                notes.add("the vocabulary has " + Vocabularies.lineCount(vocab) + " tokens but the word embeddings "
                        + config.get("vocab_size") + " rows");
            }
            if (!notes.isEmpty()) {
                meta.put(Importers.META_NOTES, String.join("; ", notes));
            }
            return new ImportedModel(file, kind, tensors, config, vocab, tokenizer, meta, notes, resources);
        }

        // ---- weights -------------------------------------------------------------------------------------

        /** A weight: an initializer, maybe with the quantisation a DequantizeLinear applies to it. */
        private record WeightRef(OnnxTensor tensor, Quantization quantization, List<String> alsoUsed) {
        }

        private void matMul(OnnxNode n, int weightInput, boolean alreadyOutIn) {
            WeightRef w = resolveWeight(n.input(weightInput));
            if (w == null) {
                return; // activations times activations (attention scores)
            }
            String bias = followToBias(n.output(0), 4);
            addMatrix(n, w, bias, alreadyOutIn);
        }

        private void gemm(OnnxNode n) {
            WeightRef w = resolveWeight(n.input(1));
            if (w == null) {
                return;
            }
            OnnxAttribute transB = n.attribute("transB");
            boolean outIn = transB != null && transB.i() != null && transB.i() == 1;
            String c = n.input(2);
            OnnxTensor ct = inits.get(c);
            String bias = ct != null && c.endsWith(".bias") ? c : followToBias(n.output(0), 4);
            addMatrix(n, w, bias, outIn);
        }

        private void matMulInteger(OnnxNode n) {
            OnnxTensor b = inits.get(n.input(1));
            if (b == null || !isInt8(b)) {
                return;
            }
            // MatMulInteger → Cast → Mul(·, activation scale × weight scale) → Add(bias)
            String scaleName = null;
            String scaled = null;
            for (OnnxNode cast : consumersOf(n.output(0))) {
                if (!cast.opType().equals("Cast")) {
                    continue;
                }
                for (OnnxNode mul : consumersOf(cast.output(0))) {
                    if (!mul.opType().equals("Mul")) {
                        continue;
                    }
                    String other = mul.input(0).equals(cast.output(0)) ? mul.input(1) : mul.input(0);
                    scaleName = weightScale(other);
                    scaled = mul.output(0);
                }
            }
            if (scaleName == null) {
                throw error("cannot find the scale of quantised weight " + quote(b.name())
                        + " after node " + quote(n.name()) + " (expected MatMulInteger → Cast → Mul)");
            }
            Quantization q = quantization(b, scaleName, n.input(3), 1);
            used.add(scaleName);
            used.add(n.input(3));
            addMatrix(n, new WeightRef(b, q, List.of()), followToBias(scaled, 3), false);
        }

        /** The float initializer among a scale product's factors: the weight's scale. */
        private String weightScale(String value) {
            OnnxTensor t = inits.get(value);
            if (t != null && t.isFloating()) {
                return value;
            }
            OnnxNode p = producer.get(value);
            if (p != null && p.opType().equals("Mul")) {
                for (String in : p.inputs()) {
                    OnnxTensor s = inits.get(in);
                    if (s != null && s.isFloating()) {
                        return in;
                    }
                }
            }
            return null;
        }

        private void fusedQuantized(OnnxNode n, int scaleInput, int zeroPointInput, int biasInput) {
            OnnxTensor b = inits.get(n.input(1));
            if (b == null || !isInt8(b)) {
                return;
            }
            String scale = n.input(scaleInput);
            if (!inits.containsKey(scale)) {
                throw error("node " + quote(n.name()) + " (" + n.opType() + ") has no constant weight"
                        + " scale");
            }
            Quantization q = quantization(b, scale, n.input(zeroPointInput), 1);
            used.add(scale);
            used.add(n.input(zeroPointInput));
            String bias = n.input(biasInput);
            if (!(inits.containsKey(bias) && bias.endsWith(".bias"))) {
                bias = followToBias(n.output(0), 4);
            }
            addMatrix(n, new WeightRef(b, q, List.of()), bias, false);
        }

        /** uint8/int8 embeddings: Gather(quantised table) → DequantizeLinear(scale, zero point). */
        private void dequantizedGather(OnnxNode dq) {
            OnnxNode gather = producer.get(dq.input(0));
            if (gather == null || !gather.opType().equals("Gather")) {
                return;
            }
            OnnxTensor table = inits.get(gather.input(0));
            if (table == null || !isInt8(table) || table.dims().length != 2) {
                return;
            }
            OnnxTensor scale = inits.get(dq.input(1));
            if (scale == null) {
                throw error("DequantizeLinear " + quote(dq.name()) + " has no constant scale");
            }
            int axis = scale.numel() == 1 ? 0 : 1; // per-channel over a gathered row is the table's last axis
            Quantization q = quantization(table, dq.input(1), dq.input(2), axis);
            used.add(table.name());
            used.add(dq.input(1));
            used.add(dq.input(2));
            String name = stripQuantizedSuffix(table.name());
            add(name, dequantized(name, table, q));
        }

        private WeightRef resolveWeight(String value) {
            OnnxTensor t = inits.get(value);
            if (t != null) {
                return t.isFloating() && t.dims().length == 2 ? new WeightRef(t, null, List.of()) : null;
            }
            OnnxNode p = producer.get(value);
            if (p != null && p.opType().equals("DequantizeLinear")) {
                OnnxTensor x = inits.get(p.input(0));
                if (x != null && isInt8(x) && x.dims().length == 2) {
                    OnnxAttribute axisAttr = p.attribute("axis");
                    int axis = axisAttr != null && axisAttr.i() != null ? (int) (long) axisAttr.i() : 1;
                    if (axis < 0) {
                        axis += 2;
                    }
                    Quantization q = quantization(x, p.input(1), p.input(2), axis);
                    return new WeightRef(x, q, List.of(p.input(1), p.input(2)));
                }
            }
            return null;
        }

        private void addMatrix(OnnxNode n, WeightRef w, String bias, boolean alreadyOutIn) {
            String name;
            if (bias != null) {
                name = bias.substring(0, bias.length() - ".bias".length()) + ".weight";
            } else if (looksLikeWeightName(w.tensor().name()) && w.tensor().name().endsWith(".weight")) {
                name = w.tensor().name();
            } else {
                throw error("cannot name the weight " + quote(w.tensor().name()) + " "
                        + Arrays.toString(w.tensor().dims())
                        + " of node " + quote(n.name()) + ": no Add with a named bias follows it");
            }
            used.add(w.tensor().name());
            used.addAll(w.alsoUsed());
            ImportedTensor t = w.quantization() == null ? plain(w.tensor()) : dequantized(name, w.tensor(),
                    w.quantization());
            if (!alreadyOutIn) {
                t = t.transposed();
                transposed++;
            }
            add(name, t.renamed(name));
        }

        /** The named bias that an Add adds to {@code value}, following casts and scalings on the way. */
        private String followToBias(String value, int hops) {
            if (value == null || hops == 0) {
                return null;
            }
            for (OnnxNode c : consumersOf(value)) {
                if (c.opType().equals("Add")) {
                    String other = c.input(0).equals(value) ? c.input(1) : c.input(0);
                    OnnxTensor b = inits.get(other);
                    if (b != null && b.isFloating() && b.dims().length == 1 && other.endsWith(".bias")) {
                        return other;
                    }
                } else if (PASS_THROUGH.contains(c.opType())) {
                    String found = followToBias(c.output(0), hops - 1);
                    if (found != null) {
                        return found;
                    }
                }
            }
            return null;
        }

        private List<OnnxNode> consumersOf(String value) {
            return consumers.getOrDefault(value, List.of());
        }

        private void add(String name, ImportedTensor t) {
            ImportedTensor old = out.put(name, t);
            if (old != null) {
                throw error("two initializers map to " + quote(name) + ": " + quote(old.sourceName()) + " and "
                        + quote(t.sourceName()));
            }
        }

        // ---- tensors -------------------------------------------------------------------------------------

        private ImportedTensor plain(OnnxTensor t) {
            DType type = switch (t.dataType()) {
                case OnnxModel.FLOAT -> DType.F32;
                case OnnxModel.FLOAT16 -> DType.F16;
                case OnnxModel.BFLOAT16 -> DType.BF16;
                case OnnxModel.DOUBLE -> DType.F64;
                default -> throw error("initializer " + quote(t.name()) + " of type " + OnnxModel.typeName(t.dataType())
                        + " is not a float weight");
            };
            ImportedTensor it = ImportedTensor.of(t.name(), t.name(), type, t.dims(), t.data());
            return type == DType.F64 ? it.asFloat32() : it;
        }

        private ImportedTensor dequantized(String name, OnnxTensor t, Quantization q) {
            if (q.perTensor()) {
                perTensor++;
            } else {
                perChannel++;
            }
            DType type = t.dataType() == OnnxModel.INT8 ? DType.I8 : DType.U8;
            quantTypes.add(type);
            return ImportedTensor.dequantized(name, t.name(), type, t.dims(), t.data(), q);
        }

        private Quantization quantization(OnnxTensor weight, String scaleName, String zeroPointName, int axis) {
            OnnxTensor scale = inits.get(scaleName);
            if (scale == null || !scale.isFloating()) {
                throw error("the scale " + quote(scaleName) + " of quantised weight "
                        + quote(weight.name()) + " is not a float constant");
            }
            long channels = scale.numel();
            if (channels == 0) {
                throw error("the scale " + quote(scaleName) + " of quantised weight " + quote(weight.name())
                        + " is empty");
            }
            float[] s = new float[(int) Math.min(channels, Integer.MAX_VALUE)];
            for (int i = 0; i < s.length; i++) {
                s[i] = (float) scale.get(i);
            }
            int[] zp = new int[s.length];
            OnnxTensor z = zeroPointName == null || zeroPointName.isEmpty() ? null : inits.get(zeroPointName);
            if (z != null) {
                if (z.numel() != channels || !isIntegerType(z.dataType())) {
                    throw error("zero point " + quote(zeroPointName) + " of " + quote(weight.name()) + " has "
                            + z.numel() + " " + OnnxModel.typeName(z.dataType()) + " values for " + channels
                            + " scales");
                }
                for (int i = 0; i < zp.length; i++) {
                    zp[i] = (int) z.get(i);
                }
            } else if (zeroPointName != null && !zeroPointName.isEmpty()) {
                throw error("zero point " + quote(zeroPointName) + " of " + quote(weight.name())
                        + " is not a constant");
            }
            if (channels != 1) {
                long[] d = weight.dims();
                if (axis < 0 || axis >= d.length || d[axis] != channels) {
                    throw error("quantised weight " + quote(weight.name()) + " " + Arrays.toString(d) + " has "
                            + channels
                            + " scales, which fit none of its axes");
                }
            }
            return new Quantization(s, zp, channels == 1 ? 0 : axis);
        }

        private static boolean isIntegerType(int dataType) {
            return switch (dataType) {
                case OnnxModel.INT8, OnnxModel.UINT8, OnnxModel.INT16, OnnxModel.UINT16, OnnxModel.INT32 -> true;
                default -> false;
            };
        }

        private static boolean isInt8(OnnxTensor t) {
            return t.dataType() == OnnxModel.INT8 || t.dataType() == OnnxModel.UINT8;
        }

        private static boolean looksLikeWeightName(String name) {
            return !name.contains("::") && (name.endsWith(".weight") || name.endsWith(".bias"));
        }

        private static String stripQuantizedSuffix(String name) {
            return name.endsWith("_quantized") ? name.substring(0, name.length() - "_quantized".length()) : name;
        }

        // ---- configuration -------------------------------------------------------------------------------

        /** A constant value: an initializer or the tensor of a Constant node. */
        private OnnxTensor constant(String value) {
            OnnxTensor t = inits.get(value);
            if (t != null) {
                return t;
            }
            OnnxNode p = producer.get(value);
            if (p != null && p.opType().equals("Constant")) {
                OnnxAttribute a = p.attribute("value");
                if (a != null && a.t() != null) {
                    return a.t();
                }
                OnnxAttribute f = p.attribute("value_float");
                if (f != null && f.f() != null) {
                    ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, f.f());
                    return new OnnxTensor(value, new long[0], OnnxModel.FLOAT, b);
                }
                OnnxAttribute ints = p.attribute("value_ints");
                if (ints != null && ints.ints().length > 0) {
                    ByteBuffer b = ByteBuffer.allocate(8 * ints.ints().length).order(ByteOrder.LITTLE_ENDIAN);
                    for (long v : ints.ints()) {
                        b.putLong(v);
                    }
                    b.flip();
                    return new OnnxTensor(value, new long[] {ints.ints().length}, OnnxModel.INT64, b);
                }
            }
            return null;
        }

        /** One value of a one-element integer constant, or -1. */
        private long scalarInt(String value) {
            OnnxTensor t = constant(value);
            if (t == null || t.numel() != 1 || t.isFloating() || t.data().remaining() == 0) {
                return -1;
            }
            return (long) t.get(0);
        }

        /**
         * Heads from the attention reshape {@code [batch, seq, heads, head_dim]}: a constant shape, or a Concat
         * whose last two parts are constants. Falls back to the score scaling {@code 1/sqrt(head_dim)}, then to
         * head size 64.
         */
        private int inferHeads(int hidden) {
            Map<Long, Integer> votes = new TreeMap<>();
            for (OnnxNode n : model.nodes()) {
                if (!n.opType().equals("Reshape")) {
                    continue;
                }
                String shape = n.input(1);
                long h = -1;
                long d = -1;
                OnnxTensor c = constant(shape);
                if (c != null && c.numel() == 4 && !c.isFloating() && c.data().remaining() > 0) {
                    h = (long) c.get(2);
                    d = (long) c.get(3);
                } else {
                    OnnxNode concat = producer.get(shape);
                    if (concat != null && concat.opType().equals("Concat") && concat.inputs().size() == 4) {
                        h = scalarInt(concat.input(2));
                        d = scalarInt(concat.input(3));
                    }
                }
                if (h > 0 && d > 0 && h * d == hidden) {
                    votes.merge(h, 1, Integer::sum);
                }
            }
            if (!votes.isEmpty()) {
                return Math.toIntExact(votes.entrySet().stream().max(Map.Entry.comparingByValue()).get().getKey());
            }
            for (OnnxNode n : model.nodes()) {
                if (!n.opType().equals("Div") && !n.opType().equals("Mul")) {
                    continue;
                }
                OnnxNode left = producer.get(n.input(0));
                if (left == null || !left.opType().equals("MatMul") || inits.containsKey(left.input(1))) {
                    continue;
                }
                OnnxTensor c = constant(n.input(1));
                if (c == null || !c.isFloating() || c.numel() != 1) {
                    continue;
                }
                double v = c.get(0);
                double d = n.opType().equals("Div") ? v * v : 1 / (v * v);
                long dim = Math.round(d);
                if (dim > 0 && Math.abs(d - dim) < 1e-3 * dim && hidden % dim == 0) {
                    notes.add("attention heads inferred from the score scaling 1/sqrt(" + dim + ")");
                    return (int) (hidden / dim);
                }
            }
            int heads = Math.max(1, hidden / ModelConfig.HEAD_SIZE);
            notes.add("attention heads not found in the graph: assumed head size 64, so " + heads + " heads");
            return heads;
        }

        /** LayerNorm epsilon: an attribute of a fused LayerNorm, or the constant added before Sqrt. */
        private double inferEpsilon() {
            Map<Float, Integer> votes = new HashMap<>();
            for (OnnxNode n : model.nodes()) {
                if (LAYER_NORM_OPS.contains(n.opType())) {
                    OnnxAttribute e = n.attribute("epsilon");
                    votes.merge(e != null && e.f() != null ? e.f() : 1e-5f, 1, Integer::sum);
                } else if (n.opType().equals("Sqrt")) {
                    OnnxNode add = producer.get(n.input(0));
                    if (add == null || !add.opType().equals("Add")) {
                        continue;
                    }
                    for (String in : add.inputs()) {
                        OnnxTensor c = constant(in);
                        if (c != null && c.isFloating() && c.numel() == 1) {
                            votes.merge((float) c.get(0), 1, Integer::sum);
                        }
                    }
                }
            }
            if (votes.isEmpty()) {
                notes.add("LayerNorm epsilon not found in the graph: assumed 1e-12");
                return BertLayout.DEFAULT_LAYER_NORM_EPS;
            }
            float eps = votes.entrySet().stream().max(Map.Entry.comparingByValue()).get().getKey();
            return BertLayout.shortest(eps);
        }

        private String inferActivation() {
            for (OnnxNode n : model.nodes()) {
                switch (n.opType()) {
                    case "Erf", "Gelu" -> {
                        return "gelu";
                    }
                    case "FastGelu" -> {
                        return "gelu_new";
                    }
                    default -> {
                    }
                }
            }
            notes.add("activation not recognised in the graph: assumed gelu");
            return "gelu";
        }

        private CheckpointException error(String problem) {
            return ImportProblems.of(file, "ONNX: " + problem);
        }
    }
}
