package dev.finescope.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunEventTest {

    @TempDir
    Path dir;

    @Test
    void everyEventTypeSurvivesItsJsonLine() {
        for (RunEvent e : Events.ALL) {
            String line = e.toJsonLine();
            assertFalse(line.contains("\n"), line);
            assertEquals(e, RunEvent.parse(line), line);
        }
    }

    @Test
    void aStepLineReadsAsDocumented() {
        assertEquals("{\"type\":\"step\",\"time\":\"2025-03-01T10:00:02Z\",\"step\":1,\"totalSteps\":6315,"
                + "\"epoch\":0,\"loss\":0.6931,\"learningRate\":3.2E-8,\"examplesPerSecond\":16.5}",
                Events.STEP.toJsonLine());
    }

    @Test
    void aMetricThatIsNotANumberIsWrittenAsTheStringNaN() {
        assertTrue(Events.FINISHED.toJsonLine().contains("\"pearson\":\"NaN\""));
    }

    @Test
    void onlyFinishedFailedAndCancelledEndARun() {
        assertEquals(List.of(Events.FINISHED, Events.FAILED, Events.CANCELLED),
                Events.ALL.stream().filter(RunEvent::isTerminal).toList());
    }

    @Test
    void linesThatAreNotEventsSayWhy() {
        assertEquals("unknown event type 'paused'", assertThrows(IllegalArgumentException.class,
                () -> RunEvent.parse("{\"type\":\"paused\",\"time\":\"2025-03-01T10:00:00Z\"}")).getMessage());
        assertEquals("a step event has no 'loss'", assertThrows(IllegalArgumentException.class,
                () -> RunEvent.parse("{\"type\":\"step\",\"time\":\"2025-03-01T10:00:00Z\",\"step\":1,"
                        + "\"totalSteps\":2,\"epoch\":0}")).getMessage());
        assertEquals("an event needs a 'type'",
                assertThrows(IllegalArgumentException.class, () -> RunEvent.parse("{}")).getMessage());
        assertEquals("a failed event has a time that is not ISO-8601: \"yesterday\"",
                assertThrows(IllegalArgumentException.class,
                        () -> RunEvent.parse("{\"type\":\"failed\",\"time\":\"yesterday\",\"reason\":\"x\"}"))
                        .getMessage());
    }

    @Test
    void unknownKeysOfANewerTrainerAreIgnored() {
        assertEquals(Events.CANCELLED, RunEvent.parse(
                "{\"type\":\"cancelled\",\"time\":\"2025-03-01T10:00:06Z\",\"step\":3,\"signal\":\"TERM\"}"));
    }

    @Test
    void theLogAppendsOneLinePerEventAndMirrorsIt() throws IOException {
        Path f = dir.resolve("run/events.jsonl");
        ByteArrayOutputStream mirror = new ByteArrayOutputStream();
        try (EventLog log = EventLog.open(f, mirror)) {
            for (RunEvent e : Events.ALL) {
                log.append(e);
            }
        }
        List<String> lines = Files.readAllLines(f);
        assertEquals(Events.ALL.size(), lines.size());
        assertEquals(Files.readString(f), mirror.toString(StandardCharsets.UTF_8));
        EventHistory h = EventReader.readAll(f);
        assertEquals(Events.ALL, h.events());
        assertEquals(List.of(), h.problems());
        assertEquals(Optional.empty(), h.partialLastLine());
    }

    @Test
    void aCrashMidLineLeavesAPartialLastLineThatIsReportedNotFatal() throws IOException {
        Path f = dir.resolve("events.jsonl");
        try (EventLog log = EventLog.open(f)) {
            log.append(Events.STARTED);
            log.append(Events.STEP);
        }
        String cut = Events.EVALUATION.toJsonLine().substring(0, 30);
        Files.writeString(f, cut, StandardOpenOption.APPEND);
        EventHistory h = EventReader.readAll(f);
        assertEquals(List.of(Events.STARTED, Events.STEP), h.events());
        assertEquals(Optional.of(cut), h.partialLastLine());
        assertEquals(Optional.empty(), h.terminal());
    }

    @Test
    void reopeningAfterACrashStartsNewEventsOnAFreshLine() throws IOException {
        Path f = dir.resolve("events.jsonl");
        Files.writeString(f, Events.STARTED.toJsonLine() + "\n{\"type\":\"st");
        try (EventLog log = EventLog.open(f)) {
            log.append(Events.FAILED);
        }
        EventHistory h = EventReader.readAll(f);
        assertEquals(List.of(Events.STARTED, Events.FAILED), h.events());
        assertEquals(1, h.problems().size());
        assertTrue(h.problems().get(0).startsWith("events.jsonl line 2: not JSON: "), h.problems().get(0));
        assertEquals(Optional.of(Events.FAILED), h.terminal());
    }

    @Test
    void pollingReturnsOnlyLinesCompletedSinceTheLastPoll() throws IOException {
        Path f = dir.resolve("events.jsonl");
        EventReader reader = new EventReader(f);
        assertEquals(List.of(), reader.poll());
        String started = Events.STARTED.toJsonLine() + "\n";
        String step = Events.STEP.toJsonLine() + "\n";
        Files.writeString(f, started + step.substring(0, 10));
        assertEquals(List.of(Events.STARTED), reader.poll());
        assertEquals(Optional.of(step.substring(0, 10)), reader.partialLine());
        assertEquals(List.of(), reader.poll());
        Files.writeString(f, step.substring(10), StandardOpenOption.APPEND);
        assertEquals(List.of(Events.STEP), reader.poll());
        assertEquals(Optional.empty(), reader.partialLine());
        assertEquals(List.of(), reader.problems());
    }

    @Test
    void multiByteCharactersSplitAcrossPollsSurvive() throws IOException {
        Path f = dir.resolve("events.jsonl");
        RunEvent.Failed e = new RunEvent.Failed(Events.T0, "Fehler: Größe passt nicht – 模型");
        byte[] line = (e.toJsonLine() + "\n").getBytes(StandardCharsets.UTF_8);
        int cut = new String(line, StandardCharsets.UTF_8).indexOf('ö') + 1;
        EventReader reader = new EventReader(f);
        Files.write(f, java.util.Arrays.copyOf(line, cut));
        assertEquals(List.of(), reader.poll());
        Files.write(f, java.util.Arrays.copyOfRange(line, cut, line.length), StandardOpenOption.APPEND);
        assertEquals(List.of(e), reader.poll());
    }

    @Test
    void followingAStreamSeparatesEventsFromOtherOutput() {
        String text = "Loading PyTorch native library\n" + Events.STARTED.toJsonLine() + "\n\n{\"broken\n"
                + Events.FINISHED.toJsonLine() + "\n";
        List<RunEvent> events = new ArrayList<>();
        List<String> other = new ArrayList<>();
        EventReader.follow(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), events::add,
                other::add);
        assertEquals(List.of(Events.STARTED, Events.FINISHED), events);
        assertEquals(List.of("Loading PyTorch native library", "{\"broken"), other);
    }
}
