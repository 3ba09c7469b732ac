package dev.finescope.cli;

import dev.finescope.analysis.ModelComparison;
import dev.finescope.analysis.TensorComparison;
import dev.finescope.chart.GridData;
import java.util.List;
import java.util.function.DoubleFunction;

/**
 * The readable summary {@code analyze} prints: the grid of one metric, row by row as on the heatmap, then what
 * the grid does not show (tensors on one side only, tensors outside the grid).
 */
final class SummaryTable {

    private static final int MAX_NAMES = 6;

    private SummaryTable() {
    }

    static String render(GridData grid, ModelComparison comparison, DoubleFunction<String> format) {
        List<String> columns = grid.columnLabels();
        int labelWidth = grid.rows().stream().mapToInt(r -> r.label().length()).max().orElse(0) + 2;
        int cellWidth = Math.max(columns.stream().mapToInt(String::length).max().orElse(0),
                format.apply(-1.2345e-10).length()) + 2;

        StringBuilder sb = new StringBuilder();
        sb.append(grid.metricLabel()).append(" — ").append(grid.tunedLabel()).append(" vs ")
                .append(grid.baseLabel()).append(" (").append(grid.cellNote()).append(")\n");
        sb.append(pad("", labelWidth));
        for (String c : columns) {
            sb.append(pad(c, cellWidth));
        }
        trimEnd(sb).append('\n');
        boolean anyEmpty = false;
        for (GridData.Row row : grid.rows()) {
            sb.append(pad(row.label(), labelWidth));
            for (GridData.Cell cell : row.cells()) {
                anyEmpty |= !cell.present();
                String value = cell.present() ? format.apply(cell.value()) : "-";
                sb.append(cell.label() == null ? pad(value, cellWidth) : cell.label() + " " + value + "  ");
            }
            trimEnd(sb).append('\n');
        }
        if (anyEmpty) {
            sb.append("(-: no tensor there)\n");
        }
        sb.append(sides(comparison));
        return sb.toString();
    }

    /** Tensors on one side only and tensors outside the grid; empty when there are none. */
    static String sides(ModelComparison c) {
        List<String> outside = c.tensors().stream().filter(t -> t.position() == null)
                .map(TensorComparison::name).toList();
        return sides(c.baseLabel(), c.tunedLabel(), c.onlyInBase(), c.onlyInTuned(), outside);
    }

    static String sides(String base, String tuned, List<String> onlyInBase, List<String> onlyInTuned,
            List<String> outsideTheGrid) {
        StringBuilder sb = new StringBuilder();
        if (!onlyInBase.isEmpty()) {
            sb.append("only in ").append(base).append(": ").append(names(onlyInBase)).append('\n');
        }
        if (!onlyInTuned.isEmpty()) {
            sb.append("only in ").append(tuned).append(": ").append(names(onlyInTuned)).append('\n');
        }
        if (!outsideTheGrid.isEmpty()) {
            sb.append("outside the grid (compared, in the CSV): ").append(names(outsideTheGrid)).append('\n');
        }
        return sb.toString();
    }

    private static String names(List<String> names) {
        String shown = String.join(", ", names.subList(0, Math.min(MAX_NAMES, names.size())));
        return names.size() > MAX_NAMES ? shown + " … (" + names.size() + " in all)" : shown;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }

    private static StringBuilder trimEnd(StringBuilder sb) {
        while (sb.length() > 0 && sb.charAt(sb.length() - 1) == ' ') {
            sb.setLength(sb.length() - 1);
        }
        return sb;
    }
}
