package dev.finescope.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * picocli's help, wrapped at spaces only. picocli breaks long lines where Java's line {@code BreakIterator} allows,
 * which includes after a dot or a colon followed by a letter: file names ("model.\nsafetensors") and presets
 * ("sparsify-encoder:\nS") were cut in two, and a cut file name cannot be copied from the terminal. Here every
 * wrapped column is wrapped word by word first; a word longer than its column alone is still cut.
 */
final class WholeWordHelp extends Help {

    WholeWordHelp(CommandSpec spec, ColorScheme scheme) {
        super(spec, scheme);
    }

    @Override
    public Layout createDefaultLayout(List<OptionSpec> options, List<PositionalParamSpec> positionals,
            ColorScheme scheme) {
        Layout layout = super.createDefaultLayout(options, positionals, scheme);
        return new Layout(scheme, copyOf(layout.textTable(), scheme), layout.optionRenderer(),
                layout.parameterRenderer());
    }

    @Override
    public TextTable createTextTable(Map<?, ?> map) {
        return copyOf(super.createTextTable(map), colorScheme());
    }

    /** The synopsis as picocli lays it out, wrapped between words. */
    @Override
    protected String insertSynopsisCommandName(int synopsisHeadingLength, Text details) {
        var usage = commandSpec().usageMessage();
        int width = usage.width();
        int indent = synopsisHeadingLength + commandSpec().qualifiedName().length() + 1;
        if (indent > usage.synopsisAutoIndentThreshold() * width) {
            indent = usage.synopsisIndent() < 0 ? synopsisHeadingLength
                    : Math.min(usage.synopsisIndent(), (int) (0.9 * width));
        }
        Table table = new Table(colorScheme(), new Column(width, 0, Column.Overflow.WRAP));
        table.setAdjustLineBreaksForWideCJKCharacters(usage.adjustLineBreaksForWideCJKCharacters());
        table.indentWrappedLines = indent;
        Text line = colorScheme().text("X".repeat(synopsisHeadingLength))
                .concat(colorScheme().commandText(commandSpec().qualifiedName())).concat(details);
        table.addRowValues(line);
        return table.toString().substring(synopsisHeadingLength);
    }

    /** The commands with the first line of what each does, laid out as picocli does, wrapped between words. */
    @Override
    public String commandList(Map<String, Help> subcommands) {
        if (subcommands.isEmpty()) {
            return "";
        }
        int width = commandSpec().usageMessage().width();
        int names = Math.min(subcommands.keySet().stream().mapToInt(String::length).max().orElse(0), width / 2);
        Table table = new Table(colorScheme(), new Column(names + 2, 2, Column.Overflow.SPAN),
                new Column(width - (names + 2), 2, Column.Overflow.WRAP));
        for (Map.Entry<String, Help> e : subcommands.entrySet()) {
            var usage = e.getValue().commandSpec().usageMessage();
            String first = usage.header().length > 0 ? usage.header()[0]
                    : usage.description().length > 0 ? usage.description()[0] : "";
            Text[] lines = colorScheme().text(String.format(first)).splitLines();
            for (int i = 0; i < lines.length; i++) {
                table.addRowValues(i == 0 ? e.getValue().commandNamesText(", ") : colorScheme().text(""), lines[i]);
            }
        }
        return table.toString();
    }

    @Override
    public String header(Object... params) {
        return paragraphs(commandSpec().usageMessage().header(), params);
    }

    @Override
    public String description(Object... params) {
        return paragraphs(commandSpec().usageMessage().description(), params);
    }

    @Override
    public String footer(Object... params) {
        return paragraphs(commandSpec().usageMessage().footer(), params);
    }

    /** Lines of text as picocli lays out a header or a description: formatted, in one column as wide as the help. */
    private String paragraphs(String[] lines, Object... params) {
        if (lines == null || lines.length == 0) {
            return "";
        }
        Table table = new Table(colorScheme(), new Column(commandSpec().usageMessage().width(), 0,
                Column.Overflow.WRAP));
        table.indentWrappedLines = 0;
        for (String line : lines) {
            for (Text part : colorScheme().text(String.format(line == null ? "" : line, params)).splitLines()) {
                table.addRowValues(part);
            }
        }
        return table.toString(new StringBuilder()).toString();
    }

    private static Table copyOf(TextTable table, ColorScheme scheme) {
        Table copy = new Table(scheme, table.columns());
        copy.indentWrappedLines = table.indentWrappedLines;
        copy.setAdjustLineBreaksForWideCJKCharacters(table.isAdjustLineBreaksForWideCJKCharacters());
        return copy;
    }

    /**
     * Splits {@code text} at spaces into lines of at most {@code first} characters, then {@code rest}; a word longer
     * than its line stands alone on it.
     */
    static List<String> wrap(String text, int first, int rest) {
        return ranges(text, first, rest).stream().map(r -> text.substring(r[0], r[1])).toList();
    }

    /** The lines of {@link #wrap} as [start, end) of {@code text}, the spaces between lines left out. */
    static List<int[]> ranges(String text, int first, int rest) {
        List<int[]> lines = new ArrayList<>();
        int start = -1;
        int end = -1;
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) == ' ') {
                i++;
                continue;
            }
            int wordEnd = text.indexOf(' ', i);
            wordEnd = wordEnd < 0 ? text.length() : wordEnd;
            int limit = lines.isEmpty() ? first : rest;
            if (start >= 0 && wordEnd - start > limit) {
                lines.add(new int[] {start, end});
                start = -1;
            }
            if (start < 0) {
                start = i;
            }
            end = wordEnd;
            i = wordEnd;
        }
        if (start >= 0) {
            lines.add(new int[] {start, end});
        } else if (lines.isEmpty()) {
            lines.add(new int[] {0, 0});
        }
        return lines;
    }

    /** A text table whose wrapped columns break between words only. */
    private static final class Table extends TextTable {
        private final ColorScheme scheme;

        Table(ColorScheme scheme, Column... columns) {
            super(scheme, columns);
            this.scheme = scheme;
        }

        @Override
        public Cell putValue(int row, int col, Text value) {
            Column column = columns()[col];
            if (column.overflow != Column.Overflow.WRAP || value == null
                    || value.plainString().length() <= column.width - column.indent
                    - textAt(row, col).plainString().length()) {
                return super.putValue(row, col, value);
            }
            int used = textAt(row, col).plainString().length();
            List<int[]> lines = ranges(value.plainString(), column.width - column.indent - used,
                    column.width - column.indent - indentWrappedLines);
            Cell last = null;
            int r = row;
            for (int i = 0; i < lines.size(); i++) {
                if (i > 0) {
                    r = last.row + 1;
                    if (r >= rowCount()) {
                        addEmptyRow();
                    }
                }
                // picocli indents a continuation itself only when it wraps; these lines never do
                Text line = value.substring(lines.get(i)[0], lines.get(i)[1]);
                last = super.putValue(r, col, i == 0 ? line : scheme.text(" ".repeat(indentWrappedLines)).concat(line));
            }
            return last;
        }
    }
}
