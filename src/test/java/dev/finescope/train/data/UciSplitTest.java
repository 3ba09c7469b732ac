package dev.finescope.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed sample task, made by src/test/python/make_uci_split.py from the UCI sentiment sentences: it reads
 * as SST-2, has the documented counts and balance, and no sentence crosses splits.
 */
class UciSplitTest {

    private static final Path SAMPLE = Paths.get("sample-models/data/uci-sentiment");
    private static final List<Path> SOURCE_CANDIDATES =
            List.of(Paths.get("../shared/data/uci-sentiment"), Paths.get("../../shared/data/uci-sentiment"));

    private static Dataset sample() {
        return GlueFolder.of(SAMPLE, Task.SST_2).withPolicy(ProblemPolicy.FAIL).read();
    }

    @Test
    void theSampleReadsAsSst2WithLabelledTrainDevAndTest() {
        Dataset data = sample();

        assertEquals(List.of("train", "dev", "test"), data.splits().stream().map(Split::name).toList());
        assertEquals(0, data.problemCount());
        assertTrue(data.splits().stream().allMatch(Split::isLabelled));
        assertEquals(Task.SST_2.labels(), data.labels());
    }

    @Test
    void splitsAre70_15_15AndBalanced() {
        Dataset data = sample();

        assertEquals(List.of(2100, 450, 450), data.splits().stream().map(Split::size).toList());
        for (Split split : data.splits()) {
            long positive = split.examples().stream().filter(e -> e.classId() == 1).count();
            assertEquals(split.size() / 2, positive, split.name());
        }
    }

    @Test
    void noSentenceCrossesSplitsEvenUpToCaseAndSpacing() {
        Map<String, String> splitOf = new HashMap<>();
        for (Split split : sample().splits()) {
            for (Example example : split.examples()) {
                String key = String.join(" ", example.text().strip().split("\\s+")).toLowerCase(Locale.ROOT);
                String before = splitOf.putIfAbsent(key, split.name());
                assertTrue(before == null || before.equals(split.name()),
                        () -> "'" + example.text() + "' is in " + before + " and " + split.name());
            }
        }
        // 3,000 sentences, 40 of them in 19 groups of equal ones: 3000 - 40 + 19 distinct keys.
        assertEquals(2979, splitOf.size());
    }

    @Test
    void everyLineIsASentenceTabAndLabel() throws IOException {
        for (String name : List.of("train.tsv", "dev.tsv", "test.tsv")) {
            List<String> lines = Files.readAllLines(SAMPLE.resolve(name), StandardCharsets.UTF_8);
            assertEquals("sentence\tlabel", lines.get(0));
            assertTrue(lines.stream().skip(1).allMatch(l -> l.matches("[^\t\r\n]*\\S[^\t\r\n]*\t[01]")), name);
        }
    }

    @Test
    void theReadmeStatesTheSeedAndTheSourceAttributionTravelsWithTheData() throws IOException {
        String readme = Files.readString(SAMPLE.resolve("README.md"));

        assertTrue(readme.contains("seed **20200430**"));
        assertTrue(readme.contains("| train | 2,100 | 1,050 | 1,050 | 700 | 700 | 700 |"));
        assertTrue(Files.readString(SAMPLE.resolve("SOURCE.md")).contains("CC BY 4.0"));
    }

    @Test
    void rerunningTheSplitScriptGivesTheCommittedFilesByteForByte() throws IOException, InterruptedException {
        Optional<Path> source = SOURCE_CANDIDATES.stream().filter(p -> Files.isRegularFile(p.resolve("yelp.json")))
                .findFirst();
        Path python = Paths.get("/usr/bin/python3");
        assumeTrue(source.isPresent(), "the UCI source data is not next to this checkout; nothing to rebuild from");
        assumeTrue(Files.isExecutable(python), "no /usr/bin/python3 to run the split script");

        Process process = new ProcessBuilder(python.toString(), "src/test/python/make_uci_split.py", "--source",
                source.get().toString(), "--check").redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));

        assertEquals(0, process.exitValue(), new String(output, StandardCharsets.UTF_8));
        assertArrayEquals(Files.readAllBytes(source.get().resolve("SOURCE.md")),
                Files.readAllBytes(SAMPLE.resolve("SOURCE.md")));
    }
}
