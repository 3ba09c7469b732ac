package dev.finescope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.ui.common.CsvTable;
import dev.finescope.ui.common.Numbers;
import dev.finescope.ui.common.Problems;
import dev.finescope.ui.common.WorkspaceException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Numbers, CSV tables, preferences, versions and the command line of the app. */
class SmallPartsTest {

    @TempDir
    Path dir;

    @Test
    void metricsShowThreeSignificantDigitsAsTheChartsDo() {
        assertEquals("0.129", Numbers.metric(0.12851634));
        assertEquals("4.41e-4", Numbers.metric(4.410234e-4));
        assertEquals("2e-5", Numbers.metric(2.0e-5));
        assertEquals("2.56e-7", Numbers.metric(2.5596291199790317E-7));
        assertEquals("0.0183", Numbers.metric(0.0182804));
        assertEquals("12300", Numbers.metric(12345.6));
        assertEquals("2.35e7", Numbers.metric(23456789));
        assertEquals("-0.5", Numbers.metric(-0.5));
        assertEquals(Numbers.metric(7.04822e-4), dev.finescope.chart.NumberText.format().format(7.04822e-4));
        assertEquals("0", Numbers.metric(0));
        assertEquals("undefined", Numbers.metric(Double.NaN));
        assertEquals("100 %", Numbers.percent(1));
        assertEquals("12.5 %", Numbers.percent(0.125));
        assertEquals("384 × 1536", Numbers.shape(new long[] {384, 1536}));
    }

    @Test
    void csvFieldsWithCommasQuotesOrLineBreaksAreQuoted() throws Exception {
        CsvTable table = new CsvTable(List.of("tuned", "value")).add("full, seed 2", "1e-3").add("say \"hi\"", "2");
        assertEquals("tuned,value\r\n\"full, seed 2\",1e-3\r\n\"say \"\"hi\"\"\",2\r\n", table.text());
        Path file = dir.resolve("t.csv");
        table.write(file);
        assertEquals(table.text(), Files.readString(file, StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> table.add("one field"));
    }

    @Test
    void recentWorkspacesAreMostRecentFirstWithoutDuplicates() {
        try (UiFixtures.ScratchPreferences scratch = new UiFixtures.ScratchPreferences()) {
            AppPreferences prefs = scratch.preferences;
            for (int i = 0; i < AppPreferences.MAX_RECENT + 2; i++) {
                prefs.rememberWorkspace(dir.resolve("w" + i));
            }
            prefs.rememberWorkspace(dir.resolve("w5"));
            List<Path> recent = prefs.recentWorkspaces();
            assertEquals(AppPreferences.MAX_RECENT, recent.size());
            assertEquals(dir.resolve("w5"), recent.get(0));
            assertEquals(dir.resolve("w9"), recent.get(1));
            assertEquals(1, recent.stream().filter(p -> p.endsWith("w5")).count());
            assertEquals(dir.resolve("w5"), prefs.lastWorkspace().orElseThrow());
            prefs.saveWindow(1000, 700, false);
            prefs.saveWindow(1, 1, true);
            assertEquals(1000, prefs.width(0));
            assertTrue(prefs.maximized());
        }
    }

    @Test
    void djlVersionIsTheOneTheBuildPins() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<djl.version>([^<]+)</djl.version>").matcher(pom);
        assertTrue(m.find());
        assertEquals(m.group(1), Versions.DJL);
        assertEquals("0.36", Versions.djlShort());
    }

    @Test
    void theWorkspaceComesFromTheCommandLineOrTheSystemProperty() {
        assertEquals(Optional.of(Path.of("ws")), FineScopeApp.requestedWorkspace(List.of("--workspace", "ws")));
        assertEquals(Optional.of(Path.of("a b")), FineScopeApp.requestedWorkspace(List.of("--workspace=a b")));
        System.setProperty(FineScopeApp.WORKSPACE_PROPERTY, "from-property");
        try {
            assertEquals(Optional.of(Path.of("from-property")), FineScopeApp.requestedWorkspace(List.of()));
        } finally {
            System.clearProperty(FineScopeApp.WORKSPACE_PROPERTY);
        }
    }

    @Test
    void theSampleWorkspaceIsFoundNextToTheWorkingFolderOrTheJar() throws Exception {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve("sample-models"));
        Files.writeString(repo.resolve("sample-models").resolve(WorkspaceFile.FILE_NAME), "{}");
        assertEquals(Optional.of(repo.resolve("sample-models")),
                WorkspaceViewModel.sampleWorkspace(dir, repo.resolve("target")));
        assertEquals(Optional.empty(), WorkspaceViewModel.sampleWorkspace(dir, null));
    }

    @Test
    void problemsReadAsOneLineNamingTheFile() {
        assertEquals("f.json: bad\nline".replace("\n", " "),
                Problems.describe(new WorkspaceException(Path.of("f.json"), "bad\nline")));
        assertEquals("unexpected IllegalStateException: boom", Problems.describe(new IllegalStateException("boom")));
    }
}
