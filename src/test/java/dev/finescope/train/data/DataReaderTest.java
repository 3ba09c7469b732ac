package dev.finescope.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataReaderTest {

    @TempDir
    Path temp;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(temp.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static DataReader csv(ColumnMapping columns) {
        return DataReader.builder().setFormat(FileFormat.CSV).setColumns(columns).build();
    }

    private static ColumnMapping textAndLabel() {
        return ColumnMapping.single(Column.named("text"), Column.named("label"));
    }

    private static List<String> texts(Split split) {
        return split.examples().stream().map(Example::text).toList();
    }

    private static List<Long> lines(Split split) {
        return split.examples().stream().map(Example::line).toList();
    }

    @Test
    void quotedCsvCellsKeepCommasQuotesAndLineBreaks() throws IOException {
        Path file = write("reviews.csv", "id,text,label\r\n"
                + "1,\"Good, cheap, and fast\",pos\r\n"
                + "2,\"She said \"\"wow\"\"\",pos\r\n"
                + "3,\"Two\r\nlines\nof text\",neg\r\n"
                + "4,plain 5'10\" text,neg\r\n"
                + "5,\"\",neg\r\n"
                + "6,\"ünïcödé ✓\",pos");

        Split split = csv(textAndLabel()).read(file, "train");

        assertEquals(List.of("Good, cheap, and fast", "She said \"wow\"", "Two\r\nlines\nof text",
                "plain 5'10\" text", "ünïcödé ✓"), texts(split));
        assertEquals(List.of(2L, 3L, 4L, 7L, 9L), lines(split));
        assertEquals(List.of(new Problem(file, 8, "empty text in column 'text'")), split.problems());
        assertEquals(LabelSet.classes("neg", "pos"), split.labels());
        assertEquals(List.of(1, 1, 0, 0, 1), split.examples().stream().map(Example::classId).toList());
    }

    @Test
    void anUnclosedQuoteIsReportedOnTheLineItOpens() throws IOException {
        Path file = write("open.csv", "text,label\ngood,1\n\"never closed,0\nbad,0\n");

        Split split = csv(textAndLabel()).read(file, "train");

        assertEquals(List.of("good"), texts(split));
        assertEquals(List.of(new Problem(file, 3, "the quoted cell 1 is not closed before the end of the file")),
                split.problems());
    }

    @Test
    void textAfterAClosingQuoteMakesTheRecordAProblemAndReadingGoesOn() throws IOException {
        Path file = write("after.csv", "text,label\n\"quoted\" tail,1\n\"multi\nline\"x,0\nfine,0\n");

        Split split = csv(textAndLabel()).read(file, "train");

        assertEquals(List.of("fine"), texts(split));
        assertEquals(List.of(5L), lines(split));
        assertEquals(List.of(new Problem(file, 2, "text after the closing quote of cell 1"),
                new Problem(file, 3, "text after the closing quote of cell 1 (on line 4)")), split.problems());
    }

    @Test
    void csvRowsWithAnotherColumnCountAreProblems() throws IOException {
        Path file = write("count.csv", "text,label\na,1\nb,1,extra\nc\nd,0\n");

        Split split = csv(textAndLabel()).read(file, "train");

        assertEquals(List.of("a", "d"), texts(split));
        assertEquals(List.of(new Problem(file, 3, "3 columns where the header has 2"),
                new Problem(file, 4, "1 column where the header has 2")), split.problems());
    }

    @Test
    void aSemicolonDelimiterAndColumnsByIndexWork() throws IOException {
        Path file = write("semi.csv", "first;\"second; with semicolon\";3.5\nx;y;-1e-1\n");
        DataReader reader = DataReader.builder().setFormat(FileFormat.CSV).optHeader(false).optDelimiter(';')
                .setColumns(ColumnMapping.pair(Column.at(0), Column.at(1), Column.at(2)))
                .optLabels(LabelSpec.regression()).build();

        Split split = reader.read(file, "train");

        assertEquals(List.of(new Example("first", "second; with semicolon", new Label.Target(3.5f), 1),
                new Example("x", "y", new Label.Target(-0.1f), 2)), split.examples());
    }

    @Test
    void tsvIsSplitOnTabsWithoutQuoting() throws IOException {
        Path file = write("data.tsv", "label\ttext\n1\t\"half quoted\n0\tsay \"\"hi\"\"\n");
        DataReader reader = DataReader.builder().setFormat(FileFormat.TSV).setColumns(textAndLabel()).build();

        Split split = reader.read(file, "train");

        assertEquals(List.of("\"half quoted", "say \"\"hi\"\""), texts(split));
    }

    @Test
    void jsonlObjectsAreReadByKey() throws IOException {
        Path file = write("data.jsonl", "{\"text\": \"Great \\\"value\\\"\", \"label\": \"pos\", \"extra\": [1]}\n"
                + "\n"
                + "{\"text\": \"Bad\", \"label\": 0}\n"
                + "{\"text\": \"Ok\", \"label\": true}\n"
                + "{\"text\": \"Ünïcödé\\u2713\", \"label\": \"pos\"}\n");
        DataReader reader = DataReader.builder().setFormat(FileFormat.JSONL).setColumns(textAndLabel())
                .optLabels(LabelSpec.discover(LabelOrder.FIRST_SEEN)).build();

        Split split = reader.read(file, "train");

        assertEquals(List.of("Great \"value\"", "Bad", "Ok", "Ünïcödé✓"), texts(split));
        assertEquals(List.of(1L, 3L, 4L, 5L), lines(split));
        assertEquals(LabelSet.classes("pos", "0", "true"), split.labels());
        assertEquals(List.of(0, 1, 2, 0), split.examples().stream().map(Example::classId).toList());
    }

    @Test
    void jsonlArraysAreReadByIndex() throws IOException {
        Path file = write("pairs.jsonl", "[\"a\", \"b\", 0.5]\n[\"c\", \"d\", \"2\"]\n");
        DataReader reader = DataReader.builder().setFormat(FileFormat.JSONL)
                .setColumns(ColumnMapping.pair(Column.at(0), Column.at(1), Column.at(2)))
                .optLabels(LabelSpec.regression()).build();

        Split split = reader.read(file, "train");

        assertEquals(List.of(new Example("a", "b", new Label.Target(0.5f), 1),
                new Example("c", "d", new Label.Target(2f), 2)), split.examples());
    }

    @Test
    void badJsonlLinesAreProblemsWithTheirLines() throws IOException {
        Path file = write("bad.jsonl", String.join("\n",
                "{\"text\": \"fine\", \"label\": \"a\"}",
                "{\"text\": \"no label\"}",
                "{\"text\": 42, \"label\": \"a\"}",
                "{\"text\": \"x\", \"label\": null}",
                "{\"text\": \"x\", \"label\": {\"k\": 1}}",
                "[\"text\", \"a\"]",
                "{\"text\": \"broken\"",
                "{\"text\": \"x\", \"label\": \"a\"} {\"again\": 1}",
                "{\"text\": \"  \", \"label\": \"a\"}",
                "{\"text\": \"last\", \"label\": \" b \"}"));
        DataReader reader = DataReader.builder().setFormat(FileFormat.JSONL).setColumns(textAndLabel()).build();

        Split split = reader.read(file, "train");

        assertEquals(List.of(new Example("fine", null, new Label.ClassId(0), 1),
                new Example("last", null, new Label.ClassId(1), 10)), split.examples());
        assertEquals(List.of(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L),
                split.problems().stream().map(Problem::line).toList());
        assertEquals("no field 'label'", split.problems().get(0).reason());
        assertEquals("'text' is a number, not a string", split.problems().get(1).reason());
        assertEquals("the label 'label' is null", split.problems().get(2).reason());
        assertEquals("the label 'label' is an object", split.problems().get(3).reason());
        assertEquals("not a JSON object but an array (columns are mapped by name)", split.problems().get(4).reason());
        assertTrue(split.problems().get(5).reason().startsWith("not valid JSON: "), split.problems().get(5).reason());
        assertTrue(split.problems().get(6).reason().startsWith("not valid JSON: "), split.problems().get(6).reason());
        assertEquals("empty text in column 'text'", split.problems().get(7).reason());
    }

    @Test
    void invalidUtf8IsAProblemOnItsLine() throws IOException {
        Path file = temp.resolve("latin1.csv");
        Files.write(file, new byte[] {'t', 'e', 'x', 't', ',', 'l', 'a', 'b', 'e', 'l', '\n',
            'c', 'a', 'f', (byte) 0xE9, ',', '1', '\n', 'o', 'k', ',', '0', '\n'});

        Split split = csv(textAndLabel()).read(file, "train");

        assertEquals(List.of("ok"), texts(split));
        assertEquals(List.of(new Problem(file, 2, "not valid UTF-8")), split.problems());
    }

    @Test
    void aReplacementCharacterWrittenInTheFileIsTextNotAnEncodingProblem() throws IOException {
        Path file = write("fffd.csv", "text,label\nbroken \uFFFD glyph,1\n");

        Split split = csv(textAndLabel()).read(file, "train");

        assertEquals(List.of("broken \uFFFD glyph"), texts(split));
        assertEquals(0, split.problemCount());
    }

    @Test
    void sortedLabelsAreNumericWhenAllAreIntegers() throws IOException {
        Path file = write("numbers.csv", "text,label\na,10\nb,2\nc,-1\nd,2\n");

        assertEquals(LabelSet.classes("-1", "2", "10"), csv(textAndLabel()).read(file, "train").labels());
    }

    @Test
    void aStrayLabelAmongClassNumbersIsABadRowNotAThirdClass() throws IOException {
        String rows = "text,label\na,0\nb,1\nc,1\nd,0\ne,%s\nf,1\ng,0\nh,1\ni,0\nj,1\nk,0\n";
        Map<String, String> reasons = Map.of(
                "positive", "the label 'positive' is not a whole number like the other labels (0 … 1)",
                "1.5", "the label '1.5' is not a whole number like the other labels (0 … 1)",
                "7", "the label '7' lies far outside the other labels (0 … 1) on 1 row only");
        for (Map.Entry<String, String> e : reasons.entrySet()) {
            Path file = write("stray.csv", String.format(rows, e.getKey()));
            Split split = csv(textAndLabel()).read(file, "train");
            assertEquals(LabelSet.classes("0", "1"), split.labels(), e.getKey());
            assertEquals(10, split.size(), e.getKey());
            assertEquals(List.of(new Problem(file, 6, e.getValue())), split.problems(), e.getKey());
        }
    }

    @Test
    void rareClassesNextToTheOthersAndLabelsThatAreNotClassNumbersStay() throws IOException {
        Path rareThird = write("three.csv", "text,label\na,0\nb,1\nc,1\nd,0\ne,2\n");
        assertEquals(LabelSet.classes("0", "1", "2"), csv(textAndLabel()).read(rareThird, "train").labels());
        Path signs = write("signs.csv", "text,label\na,-1\nb,1\nc,1\nd,-1\n");
        assertEquals(LabelSet.classes("-1", "1"), csv(textAndLabel()).read(signs, "train").labels());
    }

    @Test
    void sortedLabelsAreInCodeUnitOrderOtherwise() throws IOException {
        Path file = write("words.csv", "text,label\na,pos\nb,Neg\nc,neutral\nd,10\n");

        assertEquals(LabelSet.classes("10", "Neg", "neutral", "pos"), csv(textAndLabel()).read(file, "train").labels());
    }

    @Test
    void devAndTestTakeTheTrainingLabelsAndReportUnknownOnes() throws IOException {
        Path train = write("train.csv", "text,label\na,pos\nb,neg\n");
        Path dev = write("dev.csv", "text,label\nc,neg\nd,neutral\ne,pos\n");
        Path test = write("test.csv", "text,label\nf,pos\n");

        Dataset data = csv(textAndLabel()).readDataset("reviews", train, dev, test);

        assertEquals(LabelSet.classes("neg", "pos"), data.labels());
        assertEquals(List.of(0, 1), data.dev().examples().stream().map(Example::classId).toList());
        assertEquals(List.of(new Problem(dev, 3, "the label 'neutral' is not one of 'neg', 'pos'")),
                data.dev().problems());
        assertEquals(List.of("train", "dev", "test"), List.copyOf(data.fileHashes().keySet()));
        assertEquals(List.of(TaskMetric.ACCURACY, TaskMetric.F1), data.metrics());
        assertTrue(data.task().isEmpty());
        assertEquals(1, data.problemCount());
    }

    @Test
    void anUnlabelledFileGivesExamplesWithoutLabels() throws IOException {
        Path file = write("predict.csv", "text\nfirst\nsecond\n");
        DataReader reader = csv(ColumnMapping.single(Column.named("text"), null))
                .withLabels(LabelSpec.fixed(LabelSet.classes("neg", "pos")));

        Split split = reader.read(file, "test");

        assertEquals(List.of(new Example("first", null, Label.NONE, 2), new Example("second", null, Label.NONE, 3)),
                split.examples());
    }

    @Test
    void aFileWithoutAUsableRowIsAnErrorNamingTheFirstProblem() throws IOException {
        Path file = write("wrong.csv", "text,label\n,1\n,0\n");

        DataException e = assertThrows(DataException.class, () -> csv(textAndLabel()).read(file, "train"));

        assertEquals(file + ": no usable row: 2 bad rows, the first on line 2: empty text in column 'text'",
                e.getMessage());
    }

    @Test
    void anEmptyFileIsAnError() throws IOException {
        Path file = write("empty.csv", "");

        DataException e = assertThrows(DataException.class, () -> csv(textAndLabel()).read(file, "train"));

        assertEquals(file + ": is empty: no header line", e.getMessage());
    }

    @Test
    void aMissingFileIsAnErrorNamingIt() {
        Path file = temp.resolve("absent.csv");

        DataException e = assertThrows(DataException.class, () -> csv(textAndLabel()).read(file, "train"));

        assertEquals(file + ": no such file", e.getMessage());
    }

    @Test
    void aColumnIndexBeyondTheFirstRowIsAnError() throws IOException {
        Path file = write("short.tsv", "a\t1\nb\t0\n");
        DataReader reader = DataReader.builder().setFormat(FileFormat.TSV).optHeader(false)
                .setColumns(ColumnMapping.single(Column.at(0), Column.at(2))).build();

        DataException e = assertThrows(DataException.class, () -> reader.read(file, "train"));

        assertEquals(file + ": no column #2: the first row (line 1) has 2 columns", e.getMessage());
    }

    @Test
    void aColumnNamedTwiceInTheHeaderIsAnError() throws IOException {
        Path file = write("twice.csv", "text,label,text\na,1,b\n");

        DataException e = assertThrows(DataException.class, () -> csv(textAndLabel()).read(file, "train"));

        assertEquals(file + ": column 'text' appears twice in the header", e.getMessage());
    }

    @Test
    void onlyTheFirstThousandProblemsAreKeptButAllAreCounted() throws IOException {
        StringBuilder content = new StringBuilder("text,label\nfine,1\n");
        for (int i = 0; i < 1500; i++) {
            content.append(",1\n");
        }
        Path file = write("many.csv", content.toString());

        Split split = csv(textAndLabel()).read(file, "train");

        assertEquals(1500, split.problemCount());
        assertEquals(Split.MAX_KEPT_PROBLEMS, split.problems().size());
        assertEquals(1002, split.problems().get(Split.MAX_KEPT_PROBLEMS - 1).line());
        assertEquals("train: 1 examples, 1,500 rows skipped (" + file + ")", split.summary());
    }

    @Test
    void columnsByNameNeedAHeader() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataReader.builder().setFormat(FileFormat.CSV).optHeader(false).setColumns(textAndLabel()).build());

        assertTrue(e.getMessage().startsWith("a file without a header has columns by index only"), e.getMessage());
    }

    @Test
    void formatsFollowFileExtensions() {
        assertEquals(FileFormat.CSV, FileFormat.fromFileName(Path.of("a/B.CSV")).orElseThrow());
        assertEquals(FileFormat.TSV, FileFormat.fromFileName(Path.of("train.tsv")).orElseThrow());
        assertEquals(FileFormat.JSONL, FileFormat.fromFileName(Path.of("x.ndjson")).orElseThrow());
        assertTrue(FileFormat.fromFileName(Path.of("x.json")).isEmpty());
    }

    @Test
    void aByteOrderMarkBeforeTheHeaderIsDropped() throws IOException {
        Path file = write("bom.csv", "\ufefftext,label\nx,1\n");

        assertEquals(List.of("x"), texts(csv(textAndLabel()).read(file, "train")));
    }
}
