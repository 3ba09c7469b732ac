package dev.finescope.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaskTest {

    @ParameterizedTest
    @CsvSource({"SST-2,SST_2", "sst2,SST_2", "sst-2,SST_2", "STS_B,STS_B", "stsb,STS_B", "CoLA,COLA", "cola,COLA",
        "MNLI,MNLI", "qqp,QQP", "Q N L I,QNLI", "rte,RTE", "WNLI,WNLI", "mrpc,MRPC"})
    void aTaskIsFoundByAnyUsualSpellingOfItsName(String name, Task task) {
        assertEquals(task, Task.fromName(name).orElseThrow());
    }

    @Test
    void unknownNamesFindNoTask() {
        assertTrue(Task.fromName("ax").isEmpty());
        assertTrue(Task.fromName("sst").isEmpty());
        assertTrue(Task.fromName(null).isEmpty());
    }

    @Test
    void labelsFollowTheFilesSpellingsInTheTransformersProcessorsOrder() {
        assertEquals(List.of("contradiction", "entailment", "neutral"), Task.MNLI.labels().names());
        assertEquals(List.of("entailment", "not_entailment"), Task.QNLI.labels().names());
        assertEquals(List.of("entailment", "not_entailment"), Task.RTE.labels().names());
        for (Task task : List.of(Task.COLA, Task.SST_2, Task.MRPC, Task.QQP, Task.WNLI)) {
            assertEquals(List.of("0", "1"), task.labels().names(), task.name());
        }
        assertTrue(Task.STS_B.isRegression());
        assertEquals(List.of("negative", "positive"), Task.SST_2.displayNames());
        assertEquals(List.of("not_entailment", "entailment"), Task.WNLI.displayNames());
        assertEquals(Task.MNLI.labels().names(), Task.MNLI.displayNames());
    }

    @Test
    void metricsAreGluesOwn() {
        assertEquals(List.of(TaskMetric.MATTHEWS), Task.COLA.metrics());
        assertEquals(List.of(TaskMetric.ACCURACY, TaskMetric.F1), Task.MRPC.metrics());
        assertEquals(List.of(TaskMetric.ACCURACY, TaskMetric.F1), Task.QQP.metrics());
        assertEquals(List.of(TaskMetric.PEARSON, TaskMetric.SPEARMAN), Task.STS_B.metrics());
        for (Task task : List.of(Task.SST_2, Task.MNLI, Task.QNLI, Task.RTE, Task.WNLI)) {
            assertEquals(List.of(TaskMetric.ACCURACY), task.metrics(), task.name());
        }
    }

    @Test
    void onlyColaAndSst2ReadSingleSentences() {
        for (Task task : Task.values()) {
            assertEquals(task != Task.COLA && task != Task.SST_2, task.isPair(), task.name());
        }
        assertFalse(Task.COLA.labelledFilesHaveHeader());
    }

    @Test
    void mnliHasTwoDevAndTwoTestFiles() {
        assertEquals(List.of("dev_matched.tsv", "dev_mismatched.tsv"), Task.MNLI.devFiles());
        assertEquals(List.of("test_matched.tsv", "test_mismatched.tsv"), Task.MNLI.testFiles());
        assertEquals(List.of("dev.tsv"), Task.RTE.devFiles());
    }
}
