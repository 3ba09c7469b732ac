package dev.finescope.train.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one task-data file (CSV, TSV or JSONL) into a {@link Split} through a {@link ColumnMapping} and a
 * {@link LabelSpec}. Every row either becomes an {@link Example} or a {@link Problem} with its line number:
 * a wrong number of columns, an empty text, an empty label, a label outside the label set, a target that is
 * not a plain decimal number or lies outside its range, invalid UTF-8 or JSON. By default bad rows are skipped
 * and reported ({@link ProblemPolicy}); a file without any usable row is a {@link DataException}. Texts are kept
 * exactly as they are in the file (a quoted CSV cell keeps its line breaks); labels are compared after removing
 * surrounding white space. In JSONL a label may be a string, a number or a boolean, taken by its JSON text
 * ({@code 1} and {@code 1.0} are different classes); texts must be strings. Empty lines hold no row.
 *
 * <pre>{@code
 * DataReader reader = DataReader.builder()
 *         .setFormat(FileFormat.CSV)
 *         .setColumns(ColumnMapping.single(Column.named("review"), Column.named("stars")))
 *         .build();
 * Dataset data = reader.readDataset("reviews", train, dev, null);
 * }</pre>
 */
public final class DataReader {

    private static final Logger LOGGER = LoggerFactory.getLogger(DataReader.class);
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int MAX_QUOTED = 60;

    private final FileFormat format;
    private final ColumnMapping columns;
    private final boolean header;
    private final LabelSpec labels;
    private final ProblemPolicy policy;
    private final char delimiter;
    private final int columnCount;
    private final float targetMin;
    private final float targetMax;

    private DataReader(Builder b) {
        this.format = b.format;
        this.columns = b.columns;
        this.header = b.header;
        this.labels = b.labels;
        this.policy = b.policy;
        this.delimiter = b.delimiter;
        this.columnCount = b.columnCount;
        this.targetMin = b.targetMin;
        this.targetMax = b.targetMax;
    }

    /** A builder; format and columns are required. */
    public static Builder builder() {
        return new Builder();
    }

    public FileFormat format() {
        return format;
    }

    public ColumnMapping columns() {
        return columns;
    }

    public LabelSpec labels() {
        return labels;
    }

    public ProblemPolicy policy() {
        return policy;
    }

    /** The same reader with another label spec (dev and test files take the training file's label set). */
    public DataReader withLabels(LabelSpec newLabels) {
        return toBuilder().optLabels(newLabels).build();
    }

    /** The same reader with other columns (a test file without its label column). */
    public DataReader withColumns(ColumnMapping newColumns) {
        return toBuilder().setColumns(newColumns).build();
    }

    /** The same reader with another problem policy. */
    public DataReader withPolicy(ProblemPolicy newPolicy) {
        return toBuilder().optProblemPolicy(newPolicy).build();
    }

    private Builder toBuilder() {
        Builder b = new Builder();
        b.format = format;
        b.columns = columns;
        b.header = header;
        b.labels = labels;
        b.policy = policy;
        b.delimiter = delimiter;
        b.columnCount = columnCount;
        b.targetMin = targetMin;
        b.targetMax = targetMax;
        return b;
    }

    /**
     * Reads a training file, then development and test files with the label set found in (or given for) the
     * training file.
     *
     * @param name  what the user calls the data
     * @param train the training file
     * @param dev   the development file
     * @param test  a test file with the same columns, or {@code null}
     */
    public Dataset readDataset(String name, Path train, Path dev, Path test) {
        Objects.requireNonNull(dev, "dev");
        Split trainSplit = read(train, "train");
        DataReader known = withLabels(LabelSpec.fixed(trainSplit.labels()));
        Split devSplit = known.read(dev, "dev");
        List<Split> tests = test == null ? List.of() : List.of(known.read(test, "test"));
        return new Dataset(name, null, trainSplit.labels(), trainSplit, List.of(devSplit), tests);
    }

    /**
     * Reads one file.
     *
     * @param file      the file; never written
     * @param splitName the name the split gets ({@code train}, {@code dev}...)
     * @throws DataException when the file is missing or unreadable, its header lacks a mapped column, no row is
     *                       usable, or (with {@link ProblemPolicy#FAIL}) at the first bad row
     */
    public Split read(Path file, String splitName) {
        Objects.requireNonNull(file, "file");
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file, splitName);
        } catch (NoSuchFileException e) {
            throw new DataException(file, "no such file");
        } catch (IOException e) {
            throw new DataException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads from a stream; {@code file} names the source in problems and errors. */
    Split read(InputStream in, Path file, String splitName) throws IOException {
        Objects.requireNonNull(splitName, "splitName");
        if (!columns.isLabelled() && labels.isDiscovered()) {
            throw new IllegalArgumentException("a file without a label column needs a known label set");
        }
        LineReader lines = new LineReader(in, file);
        Reading reading = new Reading(file);
        if (format == FileFormat.JSONL) {
            readJsonLines(lines, reading);
        } else {
            readTable(lines, reading);
        }
        return reading.finish(splitName, lines.sha256());
    }

    private void readTable(LineReader lines, Reading reading) throws IOException {
        CsvParser csv = format == FileFormat.CSV ? new CsvParser(lines, reading.file, delimiter) : null;
        TsvParser tsv = format == FileFormat.TSV ? new TsvParser(lines) : null;
        int expected = columnCount;
        String expectedWhy = "where " + columnCount + " are expected";
        int[] index = {-1, -1, -1};
        TableRecord record;
        if (header) {
            record = csv != null ? csv.next() : tsv.next();
            if (record == null) {
                throw new DataException(reading.file, "is empty: no header line");
            }
            if (record.problem() != null) {
                throw new DataException(reading.file, "line " + record.line() + ": the header: " + record.problem());
            }
            List<String> names = record.cells();
            if (columnCount > 0 && names.size() != columnCount) {
                throw new DataException(reading.file, "the header has " + names.size() + " columns where "
                        + columnCount + " are expected");
            }
            index = resolve(names, reading.file);
            expected = names.size();
            expectedWhy = "where the header has " + expected;
        } else if (columnCount > 0) {
            checkIndices(columnCount, reading.file, "rows have " + columnCount + " columns");
            index = indices();
        }
        while ((record = csv != null ? csv.next() : tsv.next()) != null) {
            if (record.problem() != null) {
                reading.problem(record.line(), record.problem());
                continue;
            }
            List<String> cells = record.cells();
            if (expected == 0) {
                expected = cells.size();
                expectedWhy = "where the first row has " + expected;
                checkIndices(expected, reading.file, "the first row (line " + record.line() + ") has "
                        + expected + " column" + (expected == 1 ? "" : "s"));
                index = indices();
            }
            if (cells.size() != expected) {
                reading.problem(record.line(), cells.size() + " column" + (cells.size() == 1 ? "" : "s") + " "
                        + expectedWhy);
                continue;
            }
            reading.row(record.line(), cells.get(index[0]), index[1] < 0 ? null : cells.get(index[1]),
                    index[2] < 0 ? null : cells.get(index[2]));
        }
    }

    private int[] resolve(List<String> names, Path file) {
        return new int[] {resolve(columns.text(), names, file), resolve(columns.textPair(), names, file),
            resolve(columns.label(), names, file)};
    }

    private static int resolve(Column column, List<String> names, Path file) {
        if (column == null) {
            return -1;
        }
        if (!column.byName()) {
            if (column.index() >= names.size()) {
                throw new DataException(file, "no column " + column + ": the header has " + names.size());
            }
            return column.index();
        }
        int found = -1;
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).strip().equals(column.name().strip())) {
                if (found >= 0) {
                    throw new DataException(file, "column " + column + " appears twice in the header");
                }
                found = i;
            }
        }
        if (found < 0) {
            throw new DataException(file, "no column " + column + " in the header (it has: "
                    + quoteList(names) + ")");
        }
        return found;
    }

    private int[] indices() {
        return new int[] {columns.text().index(), columns.textPair() == null ? -1 : columns.textPair().index(),
            columns.label() == null ? -1 : columns.label().index()};
    }

    private void checkIndices(int count, Path file, String why) {
        for (Column column : new Column[] {columns.text(), columns.textPair(), columns.label()}) {
            if (column != null && column.index() >= count) {
                throw new DataException(file, "no column " + column + ": " + why);
            }
        }
    }

    private void readJsonLines(LineReader lines, Reading reading) throws IOException {
        boolean byName = columns.text().byName();
        LineReader.Line line;
        while ((line = lines.next()) != null) {
            if (line.text().isBlank()) {
                continue;
            }
            long number = line.number();
            if (line.malformed()) {
                reading.problem(number, "not valid UTF-8");
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line.text());
            } catch (JsonProcessingException e) {
                reading.problem(number, "not valid JSON: " + firstLine(e.getOriginalMessage()));
                continue;
            }
            if (byName ? !node.isObject() : !node.isArray()) {
                reading.problem(number, "not a JSON " + (byName ? "object" : "array") + " but " + kind(node)
                        + (byName ? " (columns are mapped by name)" : " (columns are mapped by index)"));
                continue;
            }
            String text = jsonText(node, columns.text(), reading, number);
            if (text == null) {
                continue;
            }
            String pair = null;
            if (columns.textPair() != null) {
                pair = jsonText(node, columns.textPair(), reading, number);
                if (pair == null) {
                    continue;
                }
            }
            String label = null;
            if (columns.label() != null) {
                label = jsonLabel(node, columns.label(), reading, number);
                if (label == null) {
                    continue;
                }
            }
            reading.row(number, text, pair, label);
        }
    }

    private static JsonNode field(JsonNode node, Column column, Reading reading, long line) {
        JsonNode value = column.byName() ? node.get(column.name()) : node.get(column.index());
        if (value == null) {
            reading.problem(line, column.byName() ? "no field " + column : "no element " + column + " (the array has "
                    + node.size() + ")");
        }
        return value;
    }

    private static String jsonText(JsonNode node, Column column, Reading reading, long line) {
        JsonNode value = field(node, column, reading, line);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            reading.problem(line, column + " is " + kind(value) + ", not a string");
            return null;
        }
        return value.textValue();
    }

    private static String jsonLabel(JsonNode node, Column column, Reading reading, long line) {
        JsonNode value = field(node, column, reading, line);
        if (value == null) {
            return null;
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isNumber() || value.isBoolean()) {
            return value.asText();
        }
        reading.problem(line, "the label " + column + " is " + kind(value));
        return null;
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case STRING -> "a string";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf('\n');
        String first = end < 0 ? message : message.substring(0, end);
        return first.length() > 200 ? first.substring(0, 200) + "…" : first;
    }

    static String quote(String value) {
        String shown = value.length() > MAX_QUOTED ? value.substring(0, MAX_QUOTED) + "…" : value;
        return "'" + shown + "'";
    }

    private static String quoteList(List<String> names) {
        List<String> quoted = new ArrayList<>();
        for (String name : names) {
            quoted.add(quote(name));
        }
        return String.join(", ", quoted);
    }

    /** The state of one file being read. */
    private final class Reading {
        private final Path file;
        private final List<Example> examples = new ArrayList<>();
        private final List<Problem> problems = new ArrayList<>();
        private final List<Example> pending = new ArrayList<>();
        private final List<String> pendingLabels = new ArrayList<>();
        private long problemCount;

        Reading(Path file) {
            this.file = file;
        }

        void problem(long line, String reason) {
            if (policy == ProblemPolicy.FAIL) {
                throw new DataException(file, "line " + line + ": " + reason);
            }
            problemCount++;
            if (problems.size() < Split.MAX_KEPT_PROBLEMS) {
                problems.add(new Problem(file, line, reason));
            }
        }

        void row(long line, String text, String pair, String rawLabel) {
            if (text.isBlank()) {
                problem(line, "empty text in column " + columns.text());
                return;
            }
            if (pair != null && pair.isBlank()) {
                problem(line, "empty second text in column " + columns.textPair());
                return;
            }
            if (rawLabel == null) {
                examples.add(new Example(text, pair, Label.NONE, line));
                return;
            }
            String value = rawLabel.strip();
            if (value.isEmpty()) {
                problem(line, "empty label in column " + columns.label());
            } else if (labels.isRegression()) {
                target(line, value, text, pair);
            } else if (labels.isDiscovered()) {
                pending.add(new Example(text, pair, Label.NONE, line));
                pendingLabels.add(value);
            } else {
                OptionalInt id = labels.labels().id(value);
                if (id.isEmpty()) {
                    problem(line, "the label " + quote(value) + " is not one of " + quoteList(labels.labels().names()));
                } else {
                    examples.add(new Example(text, pair, new Label.ClassId(id.getAsInt()), line));
                }
            }
        }

        private void target(long line, String value, String text, String pair) {
            if (!DECIMAL.matcher(value).matches()) {
                problem(line, "the target " + quote(value) + " is not a decimal number");
                return;
            }
            float target = Float.parseFloat(value);
            if (!Float.isFinite(target)) {
                problem(line, "the target " + quote(value) + " is too large for a float");
            } else if (target < targetMin || target > targetMax) {
                problem(line, "the target " + value + " lies outside " + range());
            } else {
                examples.add(new Example(text, pair, new Label.Target(target), line));
            }
        }

        Split finish(String splitName, String sha256) {
            LabelSet labelSet = labels.labels();
            if (labels.isDiscovered() && !pending.isEmpty()) {
                dropStrayLabels();
            }
            if (labels.isDiscovered() && !pending.isEmpty()) {
                labelSet = LabelSet.classes(order(new ArrayList<>(new LinkedHashSet<>(pendingLabels))));
                for (int i = 0; i < pending.size(); i++) {
                    Example p = pending.get(i);
                    int id = labelSet.id(pendingLabels.get(i)).orElseThrow();
                    examples.add(new Example(p.text(), p.textPair(), new Label.ClassId(id), p.line()));
                }
            }
            if (examples.isEmpty()) {
                if (problemCount > 0) {
                    throw new DataException(file, "no usable row: " + problemCount + " bad row"
                            + (problemCount == 1 ? "" : "s") + ", the first on line " + problems.get(0).line() + ": "
                            + problems.get(0).reason());
                }
                throw new DataException(file, "holds no rows");
            }
            if (problemCount > 0) {
                LOGGER.warn("{}: skipped {} bad row{} of {}; the first on line {}: {}", file, problemCount,
                        problemCount == 1 ? "" : "s", problemCount + examples.size(), problems.get(0).line(),
                        problems.get(0).reason());
            }
            return new Split(splitName, file, sha256, labelSet, examples, problems, problemCount);
        }

        /**
         * Rows whose label cannot be one of the file's classes become bad rows, reported like the others, rather
         * than classes of their own: where the labels are class numbers (at least nine rows in ten carry whole
         * numbers, and those used on more than one row in a hundred run 0 … k or 1 … k), a label that is not a
         * whole number ({@code positive}, {@code 1.5}), or a rare number away from that run ({@code 7} among 0
         * and 1), is a mistake in the data.
         */
        private void dropStrayLabels() {
            Map<String, Integer> counts = new LinkedHashMap<>();
            pendingLabels.forEach(l -> counts.merge(l, 1, Integer::sum));
            int total = pendingLabels.size();
            int rare = Math.max(1, total / 100);
            List<BigInteger> classes = new ArrayList<>();
            long classRows = 0;
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                if (INTEGER.matcher(e.getKey()).matches() && e.getValue() > rare) {
                    classes.add(new BigInteger(e.getKey()));
                    classRows += e.getValue();
                }
            }
            classes.sort(Comparator.naturalOrder());
            if (classes.size() < 2 || classRows * 10 < total * 9L
                    || classes.get(0).compareTo(BigInteger.ONE) > 0 || classes.get(0).signum() < 0
                    || !classes.get(classes.size() - 1).subtract(classes.get(0))
                            .equals(BigInteger.valueOf(classes.size() - 1L))) {
                return;
            }
            BigInteger low = classes.get(0).subtract(BigInteger.ONE);
            BigInteger high = classes.get(classes.size() - 1).add(BigInteger.ONE);
            String others = classes.get(0) + " … " + classes.get(classes.size() - 1);
            List<Example> keptRows = new ArrayList<>();
            List<String> keptLabels = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                String label = pendingLabels.get(i);
                String why = null;
                if (!INTEGER.matcher(label).matches()) {
                    why = "is not a whole number like the other labels (" + others + ")";
                } else {
                    BigInteger v = new BigInteger(label);
                    if (v.compareTo(low) < 0 || v.compareTo(high) > 0) {
                        int n = counts.get(label);
                        why = "lies far outside the other labels (" + others + ") on " + n + " row" + (n == 1 ? "" : "s")
                                + " only";
                    }
                }
                if (why == null) {
                    keptRows.add(pending.get(i));
                    keptLabels.add(label);
                } else {
                    problem(pending.get(i).line(), "the label " + quote(label) + " " + why);
                }
            }
            if (keptRows.size() < pending.size()) {
                pending.clear();
                pending.addAll(keptRows);
                pendingLabels.clear();
                pendingLabels.addAll(keptLabels);
                problems.sort(Comparator.comparingLong(Problem::line));
            }
        }

        private List<String> order(List<String> distinct) {
            if (labels.order() == LabelOrder.SORTED) {
                if (distinct.stream().allMatch(s -> INTEGER.matcher(s).matches())) {
                    distinct.sort(Comparator.comparing(BigInteger::new));
                } else {
                    distinct.sort(Comparator.naturalOrder());
                }
            }
            return distinct;
        }
    }

    private String range() {
        return fmt(targetMin) + ".." + fmt(targetMax);
    }

    private static String fmt(float value) {
        return value == Math.rint(value) && Float.isFinite(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    /**
     * Builds a {@link DataReader}: {@code set} for the required format and columns, {@code opt} for the rest.
     */
    public static final class Builder {
        private FileFormat format;
        private ColumnMapping columns;
        private boolean header = true;
        private LabelSpec labels = LabelSpec.discover(LabelOrder.SORTED);
        private ProblemPolicy policy = ProblemPolicy.SKIP_AND_REPORT;
        private char delimiter = ',';
        private int columnCount;
        private float targetMin = Float.NEGATIVE_INFINITY;
        private float targetMax = Float.POSITIVE_INFINITY;

        private Builder() {
        }

        public Builder setFormat(FileFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        public Builder setColumns(ColumnMapping columns) {
            this.columns = Objects.requireNonNull(columns, "columns");
            return this;
        }

        /** Whether a CSV or TSV file starts with a header line (default true; ignored for JSONL). */
        public Builder optHeader(boolean header) {
            this.header = header;
            return this;
        }

        /** How labels are read (default: discovered, {@link LabelOrder#SORTED}). */
        public Builder optLabels(LabelSpec labels) {
            this.labels = Objects.requireNonNull(labels, "labels");
            return this;
        }

        /** What a bad row does (default {@link ProblemPolicy#SKIP_AND_REPORT}). */
        public Builder optProblemPolicy(ProblemPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The CSV delimiter (default a comma; {@code ;} is common where the comma is the decimal mark). */
        public Builder optDelimiter(char delimiter) {
            this.delimiter = delimiter;
            return this;
        }

        /** Every row of a CSV or TSV file must have exactly this many cells (default: the header's count). */
        public Builder optColumnCount(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("a row has at least one column: " + count);
            }
            this.columnCount = count;
            return this;
        }

        /** Regression targets must lie in [min, max] (default: any finite number). */
        public Builder optTargetRange(float min, float max) {
            if (!(min <= max)) {
                throw new IllegalArgumentException("an empty range: " + min + ".." + max);
            }
            this.targetMin = min;
            this.targetMax = max;
            return this;
        }

        public DataReader build() {
            Objects.requireNonNull(format, "format is required");
            Objects.requireNonNull(columns, "columns are required");
            List<Column> mapped = new ArrayList<>();
            mapped.add(columns.text());
            if (columns.textPair() != null) {
                mapped.add(columns.textPair());
            }
            if (columns.label() != null) {
                mapped.add(columns.label());
            }
            if (format == FileFormat.JSONL) {
                if (mapped.stream().map(Column::byName).distinct().count() > 1) {
                    throw new IllegalArgumentException("JSONL columns are all by name (objects) or all by index "
                            + "(arrays): " + columns);
                }
            } else if (!header && mapped.stream().anyMatch(Column::byName)) {
                throw new IllegalArgumentException("a file without a header has columns by index only: " + columns);
            }
            if (format == FileFormat.CSV && (delimiter == '"' || delimiter == '\n' || delimiter == '\r')) {
                throw new IllegalArgumentException("a CSV delimiter cannot be a quote or a line break");
            }
            return new DataReader(this);
        }
    }
}
