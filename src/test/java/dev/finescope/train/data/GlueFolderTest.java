package dev.finescope.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GLUE folders in the real layouts, written by src/test/python/make_glue_fixtures.py; the expected examples are
 * what Python's csv module (QUOTE_NONE, as the Hugging Face GLUE builder reads them) makes of the same files.
 */
class GlueFolderTest {

    private static final Path GLUE = Paths.get("src/test/resources/fixtures/glue");
    /** Targets are parsed from the same decimal text on both sides, so they agree exactly. */
    private static final float SAME_FLOAT = 0f;

    @TempDir
    Path temp;

    static Stream<Arguments> expectedFiles() throws IOException {
        JsonNode expected = new ObjectMapper().readTree(GLUE.resolve("expected.json").toFile());
        List<Arguments> cases = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            cases.add(Arguments.of(entry.getKey(), entry.getValue()));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expectedFiles")
    void everyGlueFileGivesTheExamplesPythonsCsvModuleReads(String path, JsonNode expected) {
        String[] parts = path.split("/");
        Task task = Task.fromName(parts[0]).orElseThrow();
        GlueFolder folder = GlueFolder.of(GLUE, task);
        String split = parts[1].replace(".tsv", "");
        Split actual = Stream.of(List.of(folder.readTrain()), folder.readDev(), folder.readTest())
                .flatMap(List::stream).filter(s -> s.name().equals(split)).findFirst().orElseThrow();

        assertEquals(0, actual.problemCount(), () -> actual.problems().toString());
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode want = expected.get(i);
            Example got = actual.examples().get(i);
            assertEquals(want.get(0).textValue(), got.text(), "text of example " + i);
            assertEquals(want.get(1).isNull() ? null : want.get(1).textValue(), got.textPair(), "pair " + i);
            assertEquals(want.get(3).longValue(), got.line(), "line of example " + i);
            JsonNode label = want.get(2);
            if (label.isNull()) {
                assertEquals(Label.NONE, got.label());
            } else if (task.isRegression()) {
                assertEquals((float) label.doubleValue(), got.target(), SAME_FLOAT);
            } else {
                assertEquals(label.intValue(), got.classId());
            }
        }
    }

    @Test
    void colaTrainHasNoHeaderSoItsFirstLineIsAnExample() {
        Split train = GlueFolder.of(GLUE, Task.COLA).readTrain();

        assertEquals(3, train.size());
        assertEquals(new Example("Our friends won't buy this analysis, let alone the next one we propose.", null,
                new Label.ClassId(1), 1), train.examples().get(0));
        assertEquals(new Example("They drank the pub \"dry.", null, new Label.ClassId(0), 2),
                train.examples().get(1));
    }

    @Test
    void anUnbalancedQuoteStaysInsideItsOwnCell() {
        Split train = GlueFolder.of(GLUE, Task.QQP).readTrain();

        assertEquals(new Example("How do I control my horny emotions?", "How do you control your \"horniness?",
                new Label.ClassId(1), 3), train.examples().get(1));
        assertEquals("What does \"naïve\" mean?", train.examples().get(2).text());
    }

    @Test
    void mrpcTrainHeaderIsFoundBehindItsByteOrderMark() {
        Split train = GlueFolder.of(GLUE, Task.MRPC).readTrain();

        assertEquals(3, train.size());
        assertEquals(new Example("The Zürich office opened on Monday .", "On Monday the Zürich office opened .",
                new Label.ClassId(1), 4), train.examples().get(2));
    }

    @Test
    void mnliHasMatchedAndMismatchedDevAndTestSplits() {
        Dataset mnli = GlueFolder.of(GLUE, Task.MNLI).read();

        assertEquals(List.of("train", "dev_matched", "dev_mismatched", "test_matched", "test_mismatched"),
                mnli.splits().stream().map(Split::name).toList());
        assertEquals("dev_matched", mnli.dev().name());
        assertEquals(new Example("The café opened in Malmö.", "There is a café in Malmö.", new Label.ClassId(1), 3),
                mnli.devSplits().get(1).examples().get(1));
        assertEquals(List.of(2, 1, 1, 0), mnli.train().examples().stream().map(Example::classId).toList());
    }

    @Test
    void stsbScoresAreRegressionTargets() {
        Split train = GlueFolder.of(GLUE, Task.STS_B).readTrain();

        assertEquals(LabelSet.REGRESSION, train.labels());
        assertEquals(List.of(5.0f, 3.8f, 2.6f), train.examples().stream().map(Example::target).toList());
        assertEquals("A man is playing a \"flute.", train.examples().get(1).textPair());
    }

    @ParameterizedTest
    @EnumSource(Task.class)
    void testFilesHaveNoLabels(Task task) {
        for (Split test : GlueFolder.of(GLUE, task).readTest()) {
            assertFalse(test.examples().isEmpty());
            assertTrue(test.examples().stream().noneMatch(Example::hasLabel), test.name());
            assertEquals(task.isPair(), test.examples().get(0).isPair());
        }
    }

    @ParameterizedTest
    @EnumSource(Task.class)
    void theDatasetOfATaskCarriesItsLabelsMetricsAndFileHashes(Task task) {
        Dataset data = GlueFolder.of(GLUE, task).read();

        assertEquals(task, data.task().orElseThrow());
        assertEquals(task.labels(), data.labels());
        assertEquals(task.metrics(), data.metrics());
        assertEquals(task.isPair(), data.isPair());
        assertEquals(1 + 2 * task.devFiles().size(), data.fileHashes().size());
        assertTrue(data.fileHashes().values().stream().allMatch(h -> h.matches("[0-9a-f]{64}")));
    }

    @Test
    void theHashIsTheSha256OfTheFileBytes() {
        // sha256sum src/test/resources/fixtures/glue/SST-2/train.tsv
        Split train = GlueFolder.of(GLUE, Task.SST_2).readTrain();

        assertEquals(SST2_TRAIN_SHA256, train.sha256());
    }

    static final String SST2_TRAIN_SHA256 = "3e59b708ac5dea7efc1d2d05de5a8dac514c27b9a19dbe83a50537198d4a1ecb";

    @Test
    void theTaskFolderItselfCanBeGiven() {
        GlueFolder folder = GlueFolder.of(GLUE.resolve("SST-2"), Task.SST_2);

        assertEquals(GLUE.resolve("SST-2"), folder.folder());
        assertEquals(3, folder.readTrain().size());
    }

    @Test
    void taskFoldersAreFoundWhateverTheirCase() throws IOException {
        Path lower = Files.createDirectories(temp.resolve("sst-2"));
        Files.copy(GLUE.resolve("SST-2/train.tsv"), lower.resolve("train.tsv"));

        assertEquals(lower, GlueFolder.of(temp, Task.SST_2).folder());
        assertEquals(List.of(Task.SST_2), GlueFolder.tasksIn(temp));
    }

    @Test
    void aFolderWithoutTheTaskIsAnErrorNamingWhereItLooked() {
        DataException e = assertThrows(DataException.class, () -> GlueFolder.of(temp, Task.RTE));

        assertEquals(temp + ": holds no GLUE RTE data: neither " + temp.resolve("RTE/train.tsv") + " nor "
                + temp.resolve("train.tsv") + " exists", e.getMessage());
    }

    @Test
    void anotherTasksFolderIsNotTakenForThisTask() {
        DataException e = assertThrows(DataException.class, () -> GlueFolder.of(GLUE.resolve("SST-2"), Task.COLA));

        assertEquals(GLUE.resolve("SST-2") + ": is the GLUE SST-2 folder, not CoLA", e.getMessage());
    }

    @Test
    void aMissingDevFileIsAnErrorNamingIt() throws IOException {
        Path rte = Files.createDirectories(temp.resolve("RTE"));
        Files.copy(GLUE.resolve("RTE/train.tsv"), rte.resolve("train.tsv"));

        DataException e = assertThrows(DataException.class, () -> GlueFolder.of(temp, Task.RTE).read());

        assertEquals(rte.resolve("dev.tsv"), e.file());
        assertEquals(rte.resolve("dev.tsv") + ": no such file: GLUE RTE needs train.tsv, dev.tsv", e.getMessage());
    }

    @Test
    void missingTestFilesLeaveTheDatasetWithoutTestSplits() throws IOException {
        Path rte = Files.createDirectories(temp.resolve("RTE"));
        Files.copy(GLUE.resolve("RTE/train.tsv"), rte.resolve("train.tsv"));
        Files.copy(GLUE.resolve("RTE/dev.tsv"), rte.resolve("dev.tsv"));

        assertEquals(List.of(), GlueFolder.of(temp, Task.RTE).read().testSplits());
    }

    @Test
    void badRowsAreSkippedAndReportedWithTheirLines() throws IOException {
        Path sst = Files.createDirectories(temp.resolve("SST-2"));
        Files.writeString(sst.resolve("train.tsv"), String.join("\n",
                "sentence\tlabel",
                "a fine film \t1",
                "a film with\ta tab inside \t0",
                " \t0",
                "an \"odd\" film \t2",
                "",
                "a dull film \t",
                "the best \" film \t1",
                ""), StandardCharsets.UTF_8);

        Split train = GlueFolder.of(temp, Task.SST_2).readTrain();

        assertEquals(List.of("a fine film ", "the best \" film "), train.examples().stream().map(Example::text).toList());
        assertEquals(List.of(2L, 8L), train.examples().stream().map(Example::line).toList());
        assertEquals(4, train.problemCount());
        Path file = sst.resolve("train.tsv");
        assertEquals(List.of(
                new Problem(file, 3, "3 columns where the header has 2"),
                new Problem(file, 4, "empty text in column 'sentence'"),
                new Problem(file, 5, "the label '2' is not one of '0', '1'"),
                new Problem(file, 7, "empty label in column 'label'")), train.problems());
        assertEquals(file + ":5: the label '2' is not one of '0', '1'", train.problems().get(2).toString());
    }

    @Test
    void colaRowsWithAnotherColumnCountAreProblems() throws IOException {
        Path cola = Files.createDirectories(temp.resolve("CoLA"));
        Files.writeString(cola.resolve("train.tsv"), "gj04\t1\t\tFine.\ngj04\t1\tMissing mark.\n",
                StandardCharsets.UTF_8);

        Split train = GlueFolder.of(temp, Task.COLA).readTrain();

        assertEquals(1, train.size());
        assertEquals(List.of(new Problem(cola.resolve("train.tsv"), 2, "3 columns where 4 are expected")),
                train.problems());
    }

    @Test
    void stsbScoresThatAreNotPlainNumbersInRangeAreProblems() throws IOException {
        Path sts = Files.createDirectories(temp.resolve("STS-B"));
        String head = "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore\n";
        String row = "0\tg\tf\t2012\t1\tnone\tnone\tA cat.\tA dog.\t";
        Files.writeString(sts.resolve("train.tsv"), head + row + "1.5\n" + row + "5.2\n" + row + "NaN\n" + row
                + "0x1p1\n" + row + " 4 \n" + row + "-0.0\n", StandardCharsets.UTF_8);

        Split train = GlueFolder.of(temp, Task.STS_B).readTrain();

        assertEquals(List.of(1.5f, 4f, -0f), train.examples().stream().map(Example::target).toList());
        Path file = sts.resolve("train.tsv");
        assertEquals(List.of(
                new Problem(file, 3, "the target 5.2 lies outside 0..5"),
                new Problem(file, 4, "the target 'NaN' is not a decimal number"),
                new Problem(file, 5, "the target '0x1p1' is not a decimal number")), train.problems());
    }

    @Test
    void theFailPolicyStopsAtTheFirstBadRow() throws IOException {
        Path wnli = Files.createDirectories(temp.resolve("WNLI"));
        Files.writeString(wnli.resolve("train.tsv"), "index\tsentence1\tsentence2\tlabel\n0\tA.\tB.\t1\n1\tA.\tB.\tyes\n",
                StandardCharsets.UTF_8);

        DataException e = assertThrows(DataException.class,
                () -> GlueFolder.of(temp, Task.WNLI).withPolicy(ProblemPolicy.FAIL).readTrain());

        assertEquals(wnli.resolve("train.tsv") + ": line 3: the label 'yes' is not one of '0', '1'", e.getMessage());
    }

    @Test
    void aHeaderWithoutTheTasksColumnIsAnErrorListingTheHeader() throws IOException {
        Path qnli = Files.createDirectories(temp.resolve("QNLI"));
        Files.writeString(qnli.resolve("train.tsv"), "index\tquestion\tsentence\tgold\n0\tQ?\tS.\tentailment\n",
                StandardCharsets.UTF_8);

        DataException e = assertThrows(DataException.class, () -> GlueFolder.of(temp, Task.QNLI).readTrain());

        assertEquals(qnli.resolve("train.tsv") + ": no column 'label' in the header (it has: 'index', 'question', "
                + "'sentence', 'gold')", e.getMessage());
    }

    @Test
    void aFolderNameTellsItsTask() {
        assertEquals(Task.STS_B, GlueFolder.taskOf(Paths.get("glue_data/STS-B")).orElseThrow());
        assertTrue(GlueFolder.taskOf(Paths.get("glue_data/diagnostic")).isEmpty());
    }
}
