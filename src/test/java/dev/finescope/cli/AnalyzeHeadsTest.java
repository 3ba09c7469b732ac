package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code finescope analyze --heads} on the tiny BERT: one CSV row per head, as the independent reference says. */
class AnalyzeHeadsTest {

    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/tiny-bert");

    @TempDir
    Path dir;

    @Test
    void theCsvHasOneRowPerHeadWithTheReferenceDistances() throws IOException {
        Path csv = dir.resolve("heads.csv");
        CliRun run = CliRun.of("analyze", "--heads", "--base", FIXTURE.resolve("base").toString(), "--tuned",
                FIXTURE.resolve("tuned").toString(), "--csv", csv.toString());
        assertEquals(0, run.code(), run.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(AnalyzeCommand.HEADS_HEADER, lines.get(0));
        assertEquals("tuned,layer,matrix,head,numel,mean_abs_delta,rel_l1,l2,rel_l2,cosine,angle_rad,frac_changed,"
                + "frac_zero,max_abs_delta", lines.get(0));
        assertEquals(1 + 4 * 2 * 4, lines.size(), "Q, K, V, AttnOut × 2 layers × 4 heads");
        JsonNode ref = new ObjectMapper().readTree(FIXTURE.resolve("reference-heads.json").toFile());
        for (JsonNode cell : ref.get("cells")) {
            String prefix = "tuned," + cell.get("layer").asInt() + "," + cell.get("kind").asText() + ","
                    + cell.get("head").asInt() + "," + cell.get("numel").asInt() + ",";
            String row = lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() ->
                    new AssertionError("no row " + prefix));
            double relL2 = Double.parseDouble(row.split(",")[8]);
            assertEquals(cell.get("rel_l2").asDouble(), relL2, 1e-12, prefix);
        }
    }

    @Test
    void withoutCsvItPrintsALayerByHeadTablePerMatrix() {
        CliRun run = CliRun.of("analyze", "--heads", "--base", FIXTURE.resolve("base").toString(), "--tuned",
                FIXTURE.resolve("tuned").toString(), "--metric", "cosine");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().startsWith("cosine per head: tuned against base\n"), run.out());
        for (String kind : List.of("Q ", "K ", "V ", "AttnOut ")) {
            assertTrue(run.out().contains("\n" + kind), kind + " table missing:\n" + run.out());
        }
        assertEquals(8, run.out().lines().filter(l -> l.startsWith("layer ")).count(),
                "two layer rows per matrix kind");
    }
}
