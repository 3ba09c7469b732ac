package dev.finescope.checkpoint.overlay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finescope.common.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembered fingerprints, keyed by the exact set of files a model was read from (absolute path, size and
 * modification time of each) and by the algorithm, which the written form of a fingerprint carries: one set of
 * files may have an entry for each algorithm, so that a base keeps its current fingerprint while an old overlay
 * asks for the old form. A cache is only a shortcut: a file that is missing, unreadable or corrupt is
 * ignored and replaced on the next store, and a store that fails is logged, never fatal. Writes go through a
 * temporary file and an atomic move, so a reader never sees half a file.
 */
final class FingerprintCache {

    static final String FILE_NAME = "fingerprints.json";

    /** Enough for every model a person works with; the oldest entries go first. */
    static final int MAX_ENTRIES = 256;

    private static final Logger LOGGER = LoggerFactory.getLogger(FingerprintCache.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_FILE_BYTES = 16L << 20;
    private static final int VERSION = 1;
    private static final Object LOCK = new Object();

    /** What identifies one input file's content without reading it. */
    record FileStamp(String path, long size, String modified) {
    }

    private final Path folder;

    FingerprintCache(Path folder) {
        this.folder = folder;
    }

    Path file() {
        return folder.resolve(FILE_NAME);
    }

    /** The stamps of {@code files}, or {@code null} when one cannot be examined (then nothing is cached). */
    static List<FileStamp> stamps(List<Path> files) {
        List<FileStamp> stamps = new ArrayList<>();
        for (Path f : files) {
            Path p = f.toAbsolutePath().normalize();
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                stamps.add(new FileStamp(p.toString(), a.size(), a.lastModifiedTime().toInstant().toString()));
            } catch (IOException e) {
                LOGGER.debug("cannot stamp {}: {}", p, e.toString());
                return null;
            }
        }
        return stamps;
    }

    /** The fingerprint by {@code algorithm} stored for exactly these stamps, or {@code null}. */
    String lookup(List<FileStamp> stamps, Fingerprint.Algorithm algorithm) {
        synchronized (LOCK) {
            for (JsonNode entry : entries(read())) {
                if (stamps.equals(stampsOf(entry))) {
                    String fp = entry.path("fingerprint").asText("");
                    if (Fingerprint.algorithmOf(fp).orElse(null) == algorithm) {
                        return fp;
                    }
                }
            }
            return null;
        }
    }

    /**
     * The files of every model recorded with exactly {@code fingerprint} whose files are still as they were (same
     * size and modification time), most recently recorded first: where a base may be found again by its
     * fingerprint alone.
     */
    List<List<Path>> modelsWith(String fingerprint) {
        List<List<Path>> out = new ArrayList<>();
        synchronized (LOCK) {
            for (JsonNode entry : entries(read())) {
                List<FileStamp> recorded = stampsOf(entry);
                if (recorded == null || recorded.isEmpty() || !fingerprint.equals(entry.path("fingerprint").asText(""))) {
                    continue;
                }
                List<Path> files = new ArrayList<>();
                try {
                    recorded.forEach(f -> files.add(Path.of(f.path())));
                } catch (java.nio.file.InvalidPathException e) {
                    continue;
                }
                if (recorded.equals(stamps(files))) {
                    out.add(0, files);
                }
            }
        }
        return out;
    }

    /**
     * Records {@code fingerprint} for {@code stamps}, replacing an older entry for the same files and algorithm
     * (and every entry for the same files with other sizes or times, which is stale).
     */
    void store(List<FileStamp> stamps, String fingerprint) {
        Fingerprint.Algorithm algorithm = Fingerprint.algorithmOf(fingerprint).orElseThrow(
                () -> new IllegalArgumentException("not a fingerprint: " + fingerprint));
        synchronized (LOCK) {
            List<JsonNode> kept = new ArrayList<>();
            List<String> paths = stamps.stream().map(FileStamp::path).toList();
            for (JsonNode entry : entries(read())) {
                List<FileStamp> s = stampsOf(entry);
                if (s == null) {
                    continue;
                }
                boolean sameFiles = s.stream().map(FileStamp::path).toList().equals(paths);
                boolean otherAlgorithm = Fingerprint.algorithmOf(entry.path("fingerprint").asText(""))
                        .map(a -> a != algorithm).orElse(false);
                if (!sameFiles || s.equals(stamps) && otherAlgorithm) {
                    kept.add(entry);
                }
            }
            while (kept.size() >= MAX_ENTRIES) {
                kept.remove(0);
            }
            ObjectNode entry = JSON.createObjectNode();
            ArrayNode files = entry.putArray("files");
            for (FileStamp s : stamps) {
                files.addObject().put("path", s.path()).put("size", s.size()).put("modified", s.modified());
            }
            entry.put("fingerprint", fingerprint);
            kept.add(entry);
            ObjectNode root = JSON.createObjectNode();
            root.put("version", VERSION);
            root.putArray("entries").addAll(kept);
            write(root);
        }
    }

    private JsonNode read() {
        Path file = file();
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_FILE_BYTES) {
                return null;
            }
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.isObject() || root.path("version").asInt(-1) != VERSION) {
                LOGGER.warn("ignoring the fingerprint cache {}: not a version {} cache file", file, VERSION);
                return null;
            }
            return root;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            LOGGER.warn("ignoring the fingerprint cache {}: {}", file, message);
            return null;
        }
    }

    private static List<JsonNode> entries(JsonNode root) {
        List<JsonNode> out = new ArrayList<>();
        if (root != null && root.path("entries").isArray()) {
            root.get("entries").forEach(out::add);
        }
        return out;
    }

    private static List<FileStamp> stampsOf(JsonNode entry) {
        JsonNode files = entry.path("files");
        if (!files.isArray()) {
            return null;
        }
        List<FileStamp> out = new ArrayList<>();
        for (JsonNode f : files) {
            if (!f.path("path").isTextual() || !f.path("size").isIntegralNumber() || !f.path("size").canConvertToLong()
                    || !f.path("modified").isTextual()) {
                return null;
            }
            out.add(new FileStamp(f.get("path").textValue(), f.get("size").longValue(),
                    f.get("modified").textValue()));
        }
        return out;
    }

    private void write(JsonNode root) {
        Path file = file();
        try {
            AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException | RuntimeException e) {
            LOGGER.warn("could not write the fingerprint cache {}: {}", file, e.toString());
        }
    }
}
