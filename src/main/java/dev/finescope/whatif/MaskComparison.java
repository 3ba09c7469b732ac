package dev.finescope.whatif;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finescope.chart.ChartExport;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.overlay.BitMask;
import dev.finescope.checkpoint.overlay.Overlay;
import dev.finescope.common.AtomicFiles;
import dev.finescope.common.Csv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pairwise comparison of the learned masks of several overlays: are runs at different sparsities or seeds the
 * same solution, or different good ones ({@code method.md} §5)? Read from the overlays' bit-packed masks, so it
 * needs neither DJL nor the base weights.
 *
 * @param labels     the runs, as the user named them
 * @param accuracies each run's accuracy from its overlay's metadata; null entries when unknown
 * @param hamming    share of differing mask bits over all masked matrices the two runs share (0 on the diagonal)
 * @param jaccard    {@code |Z_a ∩ Z_b| / |Z_a ∪ Z_b|} of the zero sets over the same matrices; 1 when both zero
 *                   sets are empty (the same, empty, solution)
 * @param cells      per shared matrix and pair {@code a < b}; a masked tensor outside the encoder's matrices has
 *                   layer −1 and its tensor name as column
 */
public record MaskComparison(List<String> labels, List<Double> accuracies, double[][] hamming,
                             double[][] jaccard, List<CellComparison> cells) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MATRIX = Pattern.compile("(?:bert\\.)?encoder\\.layer\\.(\\d+)\\.(.+)\\.weight");

    /** One matrix, one pair of runs (indices into {@code labels}, {@code a < b}). */
    public record CellComparison(int layer, String column, int a, int b, double hamming, double jaccard) {
    }

    /** Bit counts of one pair over one or more masks. */
    private static final class Counts {
        long entries;
        long differing;
        long zeroIntersection;
        long zeroUnion;

        void add(BitMask x, BitMask y) {
            byte[] a = x.packed();
            byte[] b = y.packed();
            long or = 0;
            long and = 0;
            long xor = 0;
            for (int i = 0; i < a.length; i++) {
                or += Integer.bitCount((a[i] | b[i]) & 0xff);
                and += Integer.bitCount(a[i] & b[i] & 0xff);
                xor += Integer.bitCount((a[i] ^ b[i]) & 0xff);
            }
            long n = x.numel();
            entries += n;
            differing += xor;
            // a 1 bit keeps the entry: zeroed in both = not kept in either; zeroed in one = not kept in both
            zeroIntersection += n - or;
            zeroUnion += n - and;
        }

        double hamming() {
            return entries == 0 ? Double.NaN : (double) differing / entries;
        }

        double jaccard() {
            return entries == 0 ? Double.NaN : zeroUnion == 0 ? 1.0 : (double) zeroIntersection / zeroUnion;
        }
    }

    /**
     * Compares the masks of the overlays: over the masked tensors that all runs share, and per tensor.
     *
     * @param labels null or empty: each overlay's folder name ({@code masks-10/overlay.safetensors} is
     *               {@code masks-10}), or its file name
     * @throws CheckpointException naming an overlay that cannot be read, has no masks, or masks a tensor of another
     *                             shape than the first overlay
     * @throws IllegalArgumentException for fewer than two overlays or a label count that does not fit
     */
    public static MaskComparison compare(List<Path> overlays, List<String> labels) {
        if (overlays.size() < 2) {
            throw new IllegalArgumentException("comparing masks needs at least two overlays, not " + overlays.size());
        }
        if (labels != null && !labels.isEmpty() && labels.size() != overlays.size()) {
            throw new IllegalArgumentException(labels.size() + " labels for " + overlays.size() + " overlays");
        }
        List<Overlay> open = new ArrayList<>();
        try {
            for (Path p : overlays) {
                Overlay o = Overlay.open(p);
                open.add(o);
                if (o.maskedNames().isEmpty()) {
                    throw new CheckpointException(p, "has no learned masks; compare runs trained with a sparsify plan");
                }
            }
            return compareOpen(overlays, labels, open);
        } finally {
            for (Overlay o : open) {
                o.close();
            }
        }
    }

    private static MaskComparison compareOpen(List<Path> paths, List<String> givenLabels, List<Overlay> overlays) {
        int k = overlays.size();
        List<String> labels = new ArrayList<>();
        List<Double> accuracies = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            labels.add(givenLabels != null && !givenLabels.isEmpty() ? givenLabels.get(i) : label(paths.get(i)));
            accuracies.add(accuracy(overlays.get(i)));
        }
        Set<String> shared = new LinkedHashSet<>(overlays.get(0).maskedNames());
        for (Overlay o : overlays) {
            shared.retainAll(o.maskedNames());
        }
        for (String name : shared) {
            long[] shape = overlays.get(0).maskInfo(name).shape();
            for (int i = 1; i < k; i++) {
                long[] other = overlays.get(i).maskInfo(name).shape();
                if (!Arrays.equals(shape, other)) {
                    throw new CheckpointException(paths.get(i), "masks " + name + " with shape "
                            + Arrays.toString(other) + ", but " + paths.get(0) + " with " + Arrays.toString(shape)
                            + "; the runs are of different models");
                }
            }
        }
        Counts[][] overall = new Counts[k][k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                overall[a][b] = new Counts();
            }
        }
        List<CellComparison> cells = new ArrayList<>();
        for (String name : shared) {
            BitMask[] masks = new BitMask[k];
            for (int i = 0; i < k; i++) {
                masks[i] = overlays.get(i).mask(name);
            }
            Matcher m = MATRIX.matcher(name);
            int layer = -1;
            String column = name;
            if (m.matches()) {
                for (GridColumn c : MatrixRef.matrixColumns()) {
                    if (c.technicalName().equals(m.group(2))) {
                        layer = Integer.parseInt(m.group(1));
                        column = c.csvName();
                    }
                }
            }
            for (int a = 0; a < k; a++) {
                for (int b = a + 1; b < k; b++) {
                    Counts c = new Counts();
                    c.add(masks[a], masks[b]);
                    overall[a][b].add(masks[a], masks[b]);
                    cells.add(new CellComparison(layer, column, a, b, c.hamming(), c.jaccard()));
                }
            }
            for (int a = 0; a < k; a++) {
                overall[a][a].add(masks[a], masks[a]);
            }
        }
        double[][] hamming = new double[k][k];
        double[][] jaccard = new double[k][k];
        for (int a = 0; a < k; a++) {
            for (int b = a; b < k; b++) {
                hamming[a][b] = hamming[b][a] = overall[a][b].hamming();
                jaccard[a][b] = jaccard[b][a] = overall[a][b].jaccard();
            }
        }
        return new MaskComparison(Collections.unmodifiableList(labels), Collections.unmodifiableList(accuracies),
                hamming, jaccard, List.copyOf(cells));
    }

    /** {@code masks-10/overlay.safetensors} is "masks-10"; another file is known by its name. */
    static String label(Path overlay) {
        Path abs = overlay.toAbsolutePath().normalize();
        Path name = abs.getFileName();
        if (name != null && name.toString().equals("overlay.safetensors") && abs.getParent() != null
                && abs.getParent().getFileName() != null) {
            return abs.getParent().getFileName().toString();
        }
        return name == null ? abs.toString() : name.toString();
    }

    /** The accuracy the run recorded: {@code {"accuracy": …}} or {@code {"dev": {"accuracy": …}}}; else null. */
    static Double accuracy(Overlay overlay) {
        String json = overlay.metricsJson();
        if (json == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(json);
            if (node.path("accuracy").isNumber()) {
                return node.get("accuracy").doubleValue();
            }
            for (JsonNode child : node) {
                if (child.path("accuracy").isNumber()) {
                    return child.get("accuracy").doubleValue();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /**
     * Writes one row per pair and matrix, after one row per pair over all shared matrices ({@code all}), with both
     * runs' labels and accuracies, atomically.
     */
    public void writeCsv(Path file) {
        StringBuilder sb = new StringBuilder(
                "a,label_a,accuracy_a,b,label_b,accuracy_b,layer,column,hamming,jaccard\n");
        int k = labels.size();
        for (int a = 0; a < k; a++) {
            for (int b = a + 1; b < k; b++) {
                sb.append(pair(a, b)).append("all,all,").append(hamming[a][b]).append(',').append(jaccard[a][b])
                        .append('\n');
            }
        }
        for (CellComparison c : cells) {
            sb.append(pair(c.a(), c.b())).append(c.layer() < 0 ? "" : Integer.toString(c.layer())).append(',')
                    .append(Csv.field(c.column())).append(',').append(c.hamming()).append(',').append(c.jaccard())
                    .append('\n');
        }
        try {
            AtomicFiles.write(file, out -> out.write(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    private String pair(int a, int b) {
        return Csv.row(a, labels.get(a), accuracyText(a), b, labels.get(b), accuracyText(b)) + ",";
    }

    private String accuracyText(int i) {
        Double v = accuracies.get(i);
        return v == null ? "" : v.toString();
    }
}
