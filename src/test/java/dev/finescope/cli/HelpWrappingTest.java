package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every help page wraps between words: no file name or preset is cut at a dot or a colon. */
class HelpWrappingTest {

    @Test
    void noHelpPageCutsAWord() {
        List<String[]> pages = List.of(new String[] {"--help"}, new String[] {"train", "--help"},
                new String[] {"import", "--help"}, new String[] {"export", "--help"},
                new String[] {"eval", "--help"}, new String[] {"analyze", "--help"},
                new String[] {"whatif", "--help"}, new String[] {"whatif", "sweep", "--help"},
                new String[] {"whatif", "prune", "--help"}, new String[] {"bench", "--help"});
        for (String[] args : pages) {
            // the same page on one very wide line per paragraph holds every word whole
            Set<String> words;
            System.setProperty("picocli.usage.width", "4000");
            try {
                words = Set.copyOf(List.of(CliRun.of(args).out().split("\\s+")));
            } finally {
                System.clearProperty("picocli.usage.width");
            }
            CliRun run = CliRun.of(args);
            assertEquals(0, run.code(), String.join(" ", args));
            List<String> lines = run.out().lines().toList();
            for (int i = 0; i + 1 < lines.size(); i++) {
                String[] here = lines.get(i).strip().split("\\s+");
                String[] next = lines.get(i + 1).strip().split("\\s+");
                String joined = here[here.length - 1] + next[0];
                assertFalse(words.contains(joined) && !words.contains(here[here.length - 1]),
                        String.join(" ", args) + ": '" + joined + "' is cut after '" + here[here.length - 1] + "'");
            }
        }
    }

    @Test
    void fileNamesAndPresetsStayWhole() {
        String top = CliRun.of("--help").out();
        assertTrue(top.contains("model.safetensors"), top);
        assertTrue(top.contains("spec.json"), top);
        String train = CliRun.of("train", "--help").out();
        assertTrue(train.contains("sparsify-encoder:S"), train);
        assertTrue(train.contains("l0-close:K:METRIC:TUNED"), train);
        assertTrue(train.contains("events.jsonl"), train);
    }

    @Test
    void wrappingBreaksAtSpacesOnly() {
        assertEquals(List.of("a model.safetensors", "and spec.json"),
                WholeWordHelp.wrap("a model.safetensors and spec.json", 20, 20));
        assertEquals(List.of("averyveryverylongword", "b"), WholeWordHelp.wrap("averyveryverylongword b", 5, 5));
        assertEquals(List.of("one two", "three"), WholeWordHelp.wrap("one two three", 7, 5));
    }
}
