package dev.finescope.analysis;

import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.GridPosition;
import dev.finescope.checkpoint.UserDirectories;
import dev.finescope.common.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sums of pairs of models already compared, kept in the per-user cache, so that opening a workspace again
 * (the sample workspace at every start of the app) shows its heatmaps without reading and comparing the tensors
 * again. A pair is known by the files each model was read from, each by its real path, size and modification
 * time: a file rewritten or replaced is a new pair. Only what the tensors gave is kept (names, shapes, element
 * types and the one-pass sums); grid positions, metrics and labels are made again on reading, so a new grid
 * layout or metric formula never meets an old entry. An entry that cannot be read is computed again.
 */
public final class ComparisonCache {

    /** Changes whenever the sums or this file layout change meaning. */
    static final int FORMAT = 1;
    private static final int MAGIC = 0x46534350; // "FSCP"
    private static final Logger LOGGER = LoggerFactory.getLogger(ComparisonCache.class);

    private final Path folder;

    public ComparisonCache(Path folder) {
        this.folder = folder;
    }

    /** The cache under the user's cache folder ({@code comparisons/}). */
    public static ComparisonCache inUserCache() {
        return new ComparisonCache(UserDirectories.cache().resolve("comparisons"));
    }

    /**
     * The comparison of the pair read from {@code baseFiles} and {@code tunedFiles}: from the cache when it holds
     * the pair, else computed by {@code compute} and stored. A file that cannot be looked at leaves the cache out.
     */
    public ModelComparison compare(List<Path> baseFiles, List<Path> tunedFiles, String baseLabel, String tunedLabel,
            Function<String, Optional<GridPosition>> locator, Supplier<ModelComparison> compute) {
        Optional<String> key = key(baseFiles, tunedFiles);
        if (key.isEmpty()) {
            return compute.get();
        }
        Path file = folder.resolve(key.get() + ".bin");
        Optional<ModelComparison> known = read(file, baseLabel, tunedLabel, locator);
        if (known.isPresent()) {
            LOGGER.debug("comparison of {} and {} from the cache", baseLabel, tunedLabel);
            return known.get();
        }
        ModelComparison computed = compute.get();
        try {
            AtomicFiles.write(file, out -> write(computed, out));
        } catch (IOException | RuntimeException e) {
            LOGGER.debug("could not keep the comparison of {} and {} in {}: {}", baseLabel, tunedLabel, folder,
                    e.toString());
        }
        return computed;
    }

    /** The hex SHA-256 of the format and of each file's real path, size and modification time. */
    static Optional<String> key(List<Path> baseFiles, List<Path> tunedFiles) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(("finescope comparison " + FORMAT).getBytes(StandardCharsets.UTF_8));
            for (List<Path> side : List.of(baseFiles, tunedFiles)) {
                sha.update((byte) '|');
                for (Path p : side) {
                    Path real = p.toRealPath();
                    BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
                    String identity = real + "\u0000" + a.size() + "\u0000" + a.lastModifiedTime().toInstant()
                            + "\u0000";
                    sha.update(identity.getBytes(StandardCharsets.UTF_8));
                }
            }
            return Optional.of(HexFormat.of().formatHex(sha.digest()));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void write(ModelComparison c, java.io.OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        out.writeInt(c.tensors().size());
        for (TensorComparison t : c.tensors()) {
            out.writeUTF(t.name());
            long[] shape = t.shape();
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            out.writeUTF(t.baseType() == null ? "" : t.baseType().name());
            out.writeUTF(t.tunedType() == null ? "" : t.tunedType().name());
            MetricSums s = t.sums();
            out.writeLong(s.count());
            for (double d : new double[] {s.sumAbsDelta(), s.sumAbsBase(), s.sumSqDelta(), s.sumSqBase(),
                    s.sumSqTuned(), s.sumProduct(), s.sumBaseDelta()}) {
                out.writeDouble(d);
            }
            out.writeLong(s.changed());
            out.writeLong(s.zeros());
            out.writeDouble(s.maxAbsDelta());
            out.writeDouble(s.unitDiffSq());
        }
        writeNames(out, c.onlyInBase());
        writeNames(out, c.onlyInTuned());
        out.flush();
    }

    private static void writeNames(DataOutputStream out, List<String> names) throws IOException {
        out.writeInt(names.size());
        for (String n : names) {
            out.writeUTF(n);
        }
    }

    static Optional<ModelComparison> read(Path file, String baseLabel, String tunedLabel,
            Function<String, Optional<GridPosition>> locator) {
        try (InputStream stream = new BufferedInputStream(Files.newInputStream(file))) {
            DataInputStream in = new DataInputStream(stream);
            if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
                return Optional.empty();
            }
            int n = count(in);
            List<TensorComparison> tensors = new ArrayList<>(n);
            List<String> baseNames = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                long[] shape = new long[count(in)];
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = in.readLong();
                }
                DType baseType = dtype(in.readUTF());
                DType tunedType = dtype(in.readUTF());
                MetricSums sums = new MetricSums(in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(),
                        in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readLong(),
                        in.readLong(), in.readDouble(), in.readDouble());
                tensors.add(new TensorComparison(name, locator.apply(name).orElse(null), shape,
                        TensorMetrics.of(sums), sums, baseType, tunedType));
                baseNames.add(name);
            }
            List<String> onlyInBase = readNames(in);
            List<String> onlyInTuned = readNames(in);
            if (in.read() != -1) {
                return Optional.empty();
            }
            baseNames.addAll(onlyInBase);
            return Optional.of(new ModelComparison(baseLabel, tunedLabel, Analyzer.layers(baseNames, locator),
                    tensors, onlyInBase, onlyInTuned));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOGGER.debug("{}: not a comparison this version can read ({}); comparing again", file, e.toString());
            return Optional.empty();
        }
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 10_000_000) {
            throw new IOException("a count of " + n);
        }
        return n;
    }

    private static DType dtype(String name) {
        return name.isEmpty() ? null : DType.valueOf(name);
    }

    private static List<String> readNames(DataInputStream in) throws IOException {
        int n = count(in);
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(in.readUTF());
        }
        return names;
    }
}
