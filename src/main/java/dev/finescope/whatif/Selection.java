package dev.finescope.whatif;

import dev.finescope.checkpoint.GridColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The text form of a set of matrices, as a user types it on the command line or in the app: {@code all},
 * {@code layer:3}, {@code layers:2-4}, {@code column:FFN-in} (grid column CSV names), {@code 3:V,4:FFN-out},
 * and comma lists of these. One parser for both, so a selection copied from the app works in a script.
 */
public final class Selection {

    private Selection() {
    }

    /**
     * The matrices a text names, in grid order (layer, then column), each once.
     *
     * @param layerCount the model's encoder layers; a layer outside {@code 0 … layerCount-1} is an error
     * @throws IllegalArgumentException with a message naming the part that could not be read
     */
    public static List<MatrixRef> parse(String text, int layerCount) {
        if (layerCount < 1) {
            throw new IllegalArgumentException("a selection needs a model with at least one layer");
        }
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the selection is empty; " + FORMS);
        }
        List<GridColumn> columns = MatrixRef.matrixColumns();
        TreeSet<Integer> keys = new TreeSet<>();
        for (String raw : text.split(",", -1)) {
            String part = raw.strip();
            if (part.isEmpty()) {
                throw new IllegalArgumentException("the selection '" + text + "' has an empty item; " + FORMS);
            }
            String lower = part.toLowerCase(Locale.ROOT);
            int colon = part.indexOf(':');
            if (lower.equals("all")) {
                for (int l = 0; l < layerCount; l++) {
                    addLayer(keys, l);
                }
            } else if (colon < 0) {
                throw new IllegalArgumentException("'" + part + "' is not a selection; " + FORMS);
            } else {
                String head = lower.substring(0, colon).strip();
                String tail = part.substring(colon + 1).strip();
                switch (head) {
                    case "layer" -> addLayer(keys, layer(tail, part, layerCount));
                    case "layers" -> {
                        int dash = tail.indexOf('-');
                        int from = layer(dash < 0 ? tail : tail.substring(0, dash).strip(), part, layerCount);
                        int to = dash < 0 ? from : layer(tail.substring(dash + 1).strip(), part, layerCount);
                        if (to < from) {
                            throw new IllegalArgumentException("'" + part + "' is an empty range; write the lower "
                                    + "layer first (layers:" + to + "-" + from + ")");
                        }
                        for (int l = from; l <= to; l++) {
                            addLayer(keys, l);
                        }
                    }
                    case "column" -> {
                        GridColumn c = column(tail, part);
                        for (int l = 0; l < layerCount; l++) {
                            keys.add(l * columns.size() + columns.indexOf(c));
                        }
                    }
                    default -> {
                        int l = layer(head, part, layerCount);
                        keys.add(l * columns.size() + columns.indexOf(column(tail, part)));
                    }
                }
            }
        }
        List<MatrixRef> out = new ArrayList<>(keys.size());
        for (int k : keys) {
            out.add(new MatrixRef(k / columns.size(), columns.get(k % columns.size())));
        }
        return List.copyOf(out);
    }

    private static final String FORMS = "write all, layer:3, layers:2-4, column:FFN-in or 3:V, separated by commas";

    private static void addLayer(TreeSet<Integer> keys, int layer) {
        int n = MatrixRef.matrixColumns().size();
        for (int c = 0; c < n; c++) {
            keys.add(layer * n + c);
        }
    }

    private static int layer(String text, String part, int layerCount) {
        int l;
        try {
            l = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' in '" + part + "' is not a layer number; " + FORMS, e);
        }
        if (l < 0 || l >= layerCount) {
            throw new IllegalArgumentException("layer " + l + " in '" + part + "' does not exist: the model has "
                    + "layers 0 … " + (layerCount - 1));
        }
        return l;
    }

    private static GridColumn column(String text, String part) {
        GridColumn c;
        try {
            c = GridColumn.fromCsvName(text);
        } catch (IllegalArgumentException e) {
            c = null;
        }
        if (c == null || !MatrixRef.matrixColumns().contains(c)) {
            throw new IllegalArgumentException("'" + text + "' in '" + part + "' is not a weight matrix; choose one of "
                    + "Q, K, V, AttnOut, FFN-in, FFN-out");
        }
        return c;
    }

    /** A compact text that {@link #parse} reads back to the same matrices. */
    public static String format(List<MatrixRef> refs) {
        List<GridColumn> columns = MatrixRef.matrixColumns();
        TreeSet<Integer> keys = new TreeSet<>();
        for (MatrixRef r : refs) {
            keys.add(r.layer() * columns.size() + columns.indexOf(r.column()));
        }
        List<String> parts = new ArrayList<>();
        List<Integer> fullLayers = new ArrayList<>();
        int maxLayer = keys.isEmpty() ? -1 : keys.last() / columns.size();
        for (int l = 0; l <= maxLayer + 1; l++) {
            boolean full = l <= maxLayer && keys.subSet(l * columns.size(), (l + 1) * columns.size()).size()
                    == columns.size();
            if (full) {
                fullLayers.add(l);
                continue;
            }
            flushLayers(fullLayers, parts);
            if (l > maxLayer) {
                break;
            }
            for (int k : keys.subSet(l * columns.size(), (l + 1) * columns.size())) {
                parts.add(l + ":" + columns.get(k % columns.size()).csvName());
            }
        }
        return String.join(",", parts);
    }

    private static void flushLayers(List<Integer> layers, List<String> parts) {
        if (layers.size() == 1) {
            parts.add("layer:" + layers.get(0));
        } else if (layers.size() > 1) {
            parts.add("layers:" + layers.get(0) + "-" + layers.get(layers.size() - 1));
        }
        layers.clear();
    }
}
