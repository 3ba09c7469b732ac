package dev.finescope.analysis;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.HeapPeaks;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.checkpoint.SafetensorsWriter;
import dev.finescope.checkpoint.Tensor;
import dev.finescope.common.Progress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The analysis speed and memory benchmark: a seeded random BERT-sized base and a slightly perturbed copy, written
 * once as safetensors files, then analysed against the floor of merely reading both files. Generated, not
 * downloaded, so anyone can rerun it anywhere with the same bytes.
 */
public final class AnalysisBenchmark {

    /** Model sizes, by BERT's published shapes. */
    public enum Size {
        BASE("bert-base", 30522, 768, 12, 3072, 512),
        LARGE("bert-large", 30522, 1024, 24, 4096, 512);

        final String id;
        final int vocab;
        final int hidden;
        final int layers;
        final int ffn;
        final int positions;

        Size(String id, int vocab, int hidden, int layers, int ffn, int positions) {
            this.id = id;
            this.vocab = vocab;
            this.hidden = hidden;
            this.layers = layers;
            this.ffn = ffn;
            this.positions = positions;
        }

        public String id() {
            return id;
        }

        /** Tensor names and shapes in Hugging Face order, with pooler. */
        Map<String, long[]> shapes() {
            Map<String, long[]> out = new LinkedHashMap<>();
            long h = hidden;
            out.put("bert.embeddings.word_embeddings.weight", new long[] {vocab, h});
            out.put("bert.embeddings.position_embeddings.weight", new long[] {positions, h});
            out.put("bert.embeddings.token_type_embeddings.weight", new long[] {2, h});
            out.put("bert.embeddings.LayerNorm.weight", new long[] {h});
            out.put("bert.embeddings.LayerNorm.bias", new long[] {h});
            for (int l = 0; l < layers; l++) {
                String p = "bert.encoder.layer." + l + ".";
                for (String m : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                        "attention.output.dense")) {
                    out.put(p + m + ".weight", new long[] {h, h});
                    out.put(p + m + ".bias", new long[] {h});
                }
                out.put(p + "attention.output.LayerNorm.weight", new long[] {h});
                out.put(p + "attention.output.LayerNorm.bias", new long[] {h});
                out.put(p + "intermediate.dense.weight", new long[] {ffn, h});
                out.put(p + "intermediate.dense.bias", new long[] {ffn});
                out.put(p + "output.dense.weight", new long[] {h, ffn});
                out.put(p + "output.dense.bias", new long[] {h});
                out.put(p + "output.LayerNorm.weight", new long[] {h});
                out.put(p + "output.LayerNorm.bias", new long[] {h});
            }
            out.put("bert.pooler.dense.weight", new long[] {h, h});
            out.put("bert.pooler.dense.bias", new long[] {h});
            return out;
        }
    }

    /** What one benchmark run measured; times in seconds, the best of the repeats. */
    public record Result(long parameters, long fileBytes, double readFloorSeconds, List<Double> analyzeSeconds,
            long peakHeapBytes, long maxHeapBytes, int threads, int tensors) {

        public double bestAnalyzeSeconds() {
            return analyzeSeconds.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }

        public String describe() {
            return String.format(Locale.ROOT,
                    "%,d parameters per model, %.0f MB per file, %d tensors, %d threads%n"
                            + "read floor (cat both files > /dev/null, best of %d): %.3f s%n"
                            + "analyze (best of %d): %.3f s  = %.2f x the floor   runs: %s%n"
                            + "peak heap during analysis: %.1f MB of %.0f MB max heap",
                    parameters, fileBytes / 2 / 1e6, tensors, threads, analyzeSeconds.size(), readFloorSeconds,
                    analyzeSeconds.size(), bestAnalyzeSeconds(), bestAnalyzeSeconds() / readFloorSeconds,
                    analyzeSeconds.stream().map(s -> String.format(Locale.ROOT, "%.3f", s)).toList(),
                    peakHeapBytes / 1e6, maxHeapBytes / 1e6);
        }
    }

    private static final double BASE_STD = 0.02;
    private static final double DELTA_STD = 0.0005;

    private AnalysisBenchmark() {
    }

    /** The base and tuned files of {@code size} in {@code dir}, written first when they are not there yet. */
    public static Path[] ensurePair(Path dir, Size size, Progress progress) throws IOException {
        Files.createDirectories(dir);
        Path base = dir.resolve(size.id + "-base.safetensors");
        Path tuned = dir.resolve(size.id + "-tuned.safetensors");
        Map<String, long[]> shapes = size.shapes();
        if (!Files.exists(base)) {
            SafetensorsWriter w = new SafetensorsWriter();
            shapes.forEach((name, shape) -> w.addCopy(name, RandomInit.normal(name, shape, BASE_STD, 1)));
            w.write(base, progress);
        }
        if (!Files.exists(tuned)) {
            SafetensorsWriter w = new SafetensorsWriter();
            shapes.forEach((name, shape) -> w.addCopy(name, new Perturbed(
                    RandomInit.normal(name, shape, BASE_STD, 1), RandomInit.normal(name, shape, DELTA_STD, 2))));
            w.write(tuned, progress);
        }
        return new Path[] {base, tuned};
    }

    /** Times the read floor and {@code repeats} analyses of the pair with {@code threads} workers. */
    public static Result run(Path base, Path tuned, int threads, int repeats) throws IOException, InterruptedException {
        long fileBytes = Files.size(base) + Files.size(tuned);
        double floor = Double.MAX_VALUE;
        for (int i = 0; i < Math.max(2, repeats); i++) {
            floor = Math.min(floor, catSeconds(base, tuned));
        }
        Analyzer analyzer = new Analyzer(threads);
        NameMap names = NameMap.standard();
        List<Double> times = new ArrayList<>();
        long peak = 0;
        long parameters = 0;
        int tensors = 0;
        for (int i = 0; i < repeats; i++) {
            System.gc();
            HeapPeaks.reset();
            long t0 = System.nanoTime();
            try (Checkpoint a = Checkpoints.open(base); Checkpoint b = Checkpoints.open(tuned)) {
                ModelComparison c = analyzer.compare(a, "base", b, "tuned", names, Progress.NONE);
                LayerGrid.of(c, false);
                parameters = c.tensors().stream().mapToLong(t -> t.metrics().numel()).sum();
                tensors = c.tensors().size();
            }
            times.add((System.nanoTime() - t0) / 1e9);
            peak = Math.max(peak, HeapPeaks.bytes());
        }
        return new Result(parameters, fileBytes, floor, times, peak, Runtime.getRuntime().maxMemory(), threads,
                tensors);
    }

    private static double catSeconds(Path a, Path b) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("cat", a.toString(), b.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (p.waitFor() != 0) {
            throw new IOException("cat " + a + " " + b + " failed with exit code " + p.exitValue());
        }
        return (System.nanoTime() - t0) / 1e9;
    }



    /** The base tensor plus a small perturbation, element by element, generated on demand. */
    private record Perturbed(Tensor base, Tensor delta) implements Tensor {

        @Override
        public String name() {
            return base.name();
        }

        @Override
        public DType dtype() {
            return DType.F32;
        }

        @Override
        public long[] shape() {
            return base.shape();
        }

        @Override
        public ByteBuffer bytes(long from, int count) {
            float[] a = new float[count];
            float[] d = new float[count];
            base.readFloats(from, a, 0, count);
            delta.readFloats(from, d, 0, count);
            ByteBuffer out = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                out.putFloat(i * 4, a[i] + d[i]);
            }
            return out;
        }
    }
}
