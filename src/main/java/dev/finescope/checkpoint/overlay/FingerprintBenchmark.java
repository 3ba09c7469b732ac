package dev.finescope.checkpoint.overlay;

import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.HeapPeaks;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.common.Progress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fingerprint speed yardstick: computing a base's fingerprint (never from the cache) by each algorithm against
 * the floor of reading the model's files once, with the peak heap. Opening an overlay fingerprints its base, so
 * the target is a fingerprint within 3× of that floor.
 */
public final class FingerprintBenchmark {

    /** What one algorithm took: the best of the repeats and all of them, in seconds, and its peak heap. */
    public record Timing(String fingerprint, List<Double> seconds, long peakHeapBytes) {
        public double best() {
            return seconds.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }
    }

    /** What one benchmark measured. */
    public record Result(Path model, long bytes, int tensors, int threads, double readFloorSeconds,
                         Map<Fingerprint.Algorithm, Timing> timings, long maxHeapBytes) {

        public String describe() {
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                    "%s: %.0f MB in its files, %d tensors, %d threads%n"
                            + "read floor (every byte of the files once, best of %d): %.3f s  (%.2f GB/s)%n",
                    model, bytes / 1e6, tensors, threads, timings.values().iterator().next().seconds().size(),
                    readFloorSeconds, bytes / readFloorSeconds / 1e9));
            for (Map.Entry<Fingerprint.Algorithm, Timing> e : timings.entrySet()) {
                Timing t = e.getValue();
                out.append(String.format(Locale.ROOT,
                        "%-16s best %.3f s = %.2f x the floor  (%.2f GB/s)  runs %s  peak heap %.1f MB  %s%n",
                        e.getKey() == Fingerprint.Algorithm.SHA256_STREAM_V1 ? "sha256 (v1)" : e.getKey().id(),
                        t.best(), t.best() / readFloorSeconds, bytes / t.best() / 1e9,
                        t.seconds().stream().map(s -> String.format(Locale.ROOT, "%.3f", s)).toList(),
                        t.peakHeapBytes() / 1e6, Fingerprint.abbreviate(t.fingerprint())));
            }
            out.append(String.format(Locale.ROOT, "max heap %.0f MB", maxHeapBytes / 1e6));
            return out.toString();
        }
    }

    private FingerprintBenchmark() {
    }

    /**
     * Times the read floor (best of {@code max(2, repeats)}) and {@code repeats} fingerprints of {@code model} by
     * each of {@code algorithms} on {@code threads} threads.
     */
    public static Result run(Path model, List<Fingerprint.Algorithm> algorithms, int repeats, int threads) {
        if (repeats < 1 || threads < 1 || algorithms.isEmpty()) {
            throw new IllegalArgumentException("repeats and threads must be at least 1, and one algorithm given");
        }
        try (ModelFolder m = Models.open(model)) {
            List<Path> files = m.inputFiles();
            double floor = Double.MAX_VALUE;
            long bytes = 0;
            for (int i = 0; i < Math.max(2, repeats); i++) {
                long t0 = System.nanoTime();
                bytes = readOnce(files);
                floor = Math.min(floor, (System.nanoTime() - t0) / 1e9);
            }
            Map<Fingerprint.Algorithm, Timing> timings = new LinkedHashMap<>();
            for (Fingerprint.Algorithm a : algorithms) {
                List<Double> seconds = new ArrayList<>();
                String fp = null;
                long peak = 0;
                for (int i = 0; i < repeats; i++) {
                    System.gc();
                    HeapPeaks.reset();
                    long t0 = System.nanoTime();
                    fp = Fingerprint.compute(m.weights(), a, Progress.NONE, threads);
                    seconds.add((System.nanoTime() - t0) / 1e9);
                    peak = Math.max(peak, HeapPeaks.bytes());
                }
                timings.put(a, new Timing(fp, List.copyOf(seconds), peak));
            }
            return new Result(model, bytes, m.weights().tensorNames().size(), threads, floor, timings,
                    Runtime.getRuntime().maxMemory());
        }
    }

    /** Reads every byte of {@code files} once, through one direct buffer, and returns how many there were. */
    static long readOnce(List<Path> files) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        long n = 0;
        for (Path f : files) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                int r;
                while ((r = ch.read(buffer.clear())) >= 0) {
                    n += r;
                }
            } catch (IOException e) {
                throw new CheckpointException(f, "cannot be read: " + e.getMessage(), e);
            }
        }
        return n;
    }


}
