package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.UserDirectories;
import dev.finescope.whatif.TinyWhatIf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WhatIfCkaCommandTest {

    @TempDir
    Path dir;

    private String previousCache;

    @BeforeEach
    void ownCache() {
        previousCache = System.getProperty(UserDirectories.CACHE_PROPERTY);
        System.setProperty(UserDirectories.CACHE_PROPERTY, dir.resolve("cache").toString());
    }

    @AfterEach
    void restoreCache() {
        if (previousCache == null) {
            System.clearProperty(UserDirectories.CACHE_PROPERTY);
        } else {
            System.setProperty(UserDirectories.CACHE_PROPERTY, previousCache);
        }
    }

    private static final Pattern NUMBER = Pattern.compile("(NaN|[01]\\.\\d{4})");

    @Test
    void printsOneLinePerLayerWritesTheCsvAndReadsTheCacheTheSecondTime() throws IOException {
        Path tuned = TinyWhatIf.tunedFolder(dir);
        Path csv = dir.resolve("out").resolve("cka.csv");
        Files.createDirectories(csv.getParent());
        String[] args = {"whatif", "cka", "--model", tuned.toString(), "--against", TinyWhatIf.BASE.toString(),
            "--data", TinyWhatIf.DATA.toString(), "--task", "SST-2", "--max-len", "32", "--csv", csv.toString()};
        CliRun run = CliRun.of(args);
        assertEquals(0, run.code(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals("tuned against tiny: linear CKA on 12 sentences", lines.get(0));
        assertEquals(List.of("layer", "cka", "[CLS]", "cka", "mean", "weight", "rel.", "L2"),
                List.of(lines.get(1).trim().split("\\s+")));
        for (int l = 0; l <= 2; l++) {
            String[] f = lines.get(2 + l).trim().split("\\s+");
            int at = 1;
            assertEquals(Integer.toString(l), f[0]);
            if (l == 0) {
                assertEquals("(embeddings)", f[1]);
                at = 2;
                assertEquals(List.of("NaN", "1.0000", "0.0000"), List.of(f).subList(at, f.length));
            } else {
                assertEquals(3, f.length - at, lines.get(2 + l));
                for (int k = at; k < f.length; k++) {
                    assertTrue(NUMBER.matcher(f[k]).matches(), f[k]);
                }
                assertTrue(Double.parseDouble(f[at]) < 1 && Double.parseDouble(f[at + 1]) < 1, lines.get(2 + l));
                assertTrue(Double.parseDouble(f[at + 2]) > 0, lines.get(2 + l));
            }
        }
        assertTrue(lines.get(5).startsWith("layer i = output of encoder layer i; weight rel. L2"), lines.get(5));
        assertEquals("wrote " + csv, lines.get(6));
        assertEquals(7, lines.size());

        List<String> rows = Files.readAllLines(csv);
        assertEquals(4, rows.size());
        assertEquals("layer,cka_cls,cka_mean,weight_rel_l2", rows.get(0));
        assertEquals("0,,1.000000,0.000000", rows.get(1));
        for (int l = 1; l <= 2; l++) {
            assertTrue(rows.get(l + 1).matches(l + ",0\\.\\d{6},0\\.\\d{6},0\\.\\d{6}"), rows.get(l + 1));
        }

        CliRun again = CliRun.of(args);
        assertEquals(0, again.code(), again.err());
        List<String> second = again.out().lines().toList();
        assertEquals("tuned against tiny: linear CKA on 12 sentences (from the cache)", second.get(0));
        assertEquals(lines.subList(1, lines.size()), second.subList(1, second.size()));
        assertEquals(rows, Files.readAllLines(csv));
    }

    @Test
    void aModelAgainstItselfIsOneAtEveryLayerAfterTheEmbeddings() {
        CliRun run = CliRun.of("whatif", "cka", "--model", TinyWhatIf.BASE.toString(), "--against",
                TinyWhatIf.BASE.toString(), "--data", TinyWhatIf.DATA.toString(), "--max-examples", "10",
                "--max-len", "32");
        assertEquals(0, run.code(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals("tiny against tiny: linear CKA on 10 sentences", lines.get(0));
        assertEquals(List.of("0", "(embeddings)", "NaN", "1.0000", "0.0000"), List.of(lines.get(2).trim().split("\\s+")));
        assertEquals(List.of("1", "1.0000", "1.0000", "0.0000"), List.of(lines.get(3).trim().split("\\s+")));
        assertEquals(List.of("2", "1.0000", "1.0000", "0.0000"), List.of(lines.get(4).trim().split("\\s+")));
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        Path missing = dir.resolve("nothing");
        CliRun model = CliRun.of("whatif", "cka", "--model", missing.toString(), "--data",
                TinyWhatIf.DATA.toString());
        assertEquals(2, model.code());
        assertEquals(List.of("finescope: " + missing + ": does not exist"), model.errLines());

        CliRun noBase = CliRun.of("whatif", "cka", "--model", TinyWhatIf.BASE.toString(), "--data",
                TinyWhatIf.DATA.toString(), "--max-len", "32");
        assertEquals(2, noBase.code());
        List<String> told = noBase.errLines().stream().filter(l -> l.startsWith("finescope:")).toList();
        assertEquals(1, told.size(), noBase.err());
        assertTrue(told.get(0).endsWith("has no base to compare with; give the second model"),
                noBase.err());

        CliRun few = CliRun.of("whatif", "cka", "--model", TinyWhatIf.BASE.toString(), "--data",
                TinyWhatIf.DATA.toString(), "--max-examples", "1");
        assertEquals(2, few.code());
        assertEquals(List.of("finescope: --max-examples and --max-len must be at least 2"), few.errLines());

        Path inside = TinyWhatIf.BASE.resolve("cka.csv");
        CliRun onto = CliRun.of("whatif", "cka", "--model", TinyWhatIf.BASE.toString(), "--against",
                TinyWhatIf.BASE.toString(), "--data", TinyWhatIf.DATA.toString(), "--csv", inside.toString());
        assertEquals(2, onto.code());
        assertEquals(1, onto.errLines().size(), onto.err());
        assertTrue(Files.notExists(inside));
    }
}
