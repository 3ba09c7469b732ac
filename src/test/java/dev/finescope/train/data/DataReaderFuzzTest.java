package dev.finescope.train.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Whatever bytes a user's CSV or JSONL file holds, reading it ends in a {@link Split} or a {@link DataException}
 * naming the file, never in another exception. Seeds replay in every build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class DataReaderFuzzTest {

    private static final Path FILE = Path.of("fuzz-input");

    private static final List<DataReader> CSV_READERS = List.of(
            DataReader.builder().setFormat(FileFormat.CSV)
                    .setColumns(ColumnMapping.pair(Column.named("text"), Column.named("pair"), Column.named("label")))
                    .build(),
            DataReader.builder().setFormat(FileFormat.CSV).optHeader(false)
                    .setColumns(ColumnMapping.single(Column.at(1), Column.at(0)))
                    .optLabels(LabelSpec.regression()).optTargetRange(0, 5).build(),
            DataReader.builder().setFormat(FileFormat.TSV)
                    .setColumns(ColumnMapping.single(Column.named("sentence"), Column.named("label")))
                    .optLabels(LabelSpec.fixed(LabelSet.classes("0", "1"))).build());

    private static final List<DataReader> JSONL_READERS = List.of(
            DataReader.builder().setFormat(FileFormat.JSONL)
                    .setColumns(ColumnMapping.pair(Column.named("text"), Column.named("pair"), Column.named("label")))
                    .optLabels(LabelSpec.discover(LabelOrder.FIRST_SEEN)).build(),
            DataReader.builder().setFormat(FileFormat.JSONL)
                    .setColumns(ColumnMapping.single(Column.at(0), Column.at(1)))
                    .optLabels(LabelSpec.regression()).build());

    @FuzzTest(maxDuration = "60s")
    void csvAndTsvReadersRaiseOnlyDataExceptions(byte[] data) throws IOException {
        for (DataReader reader : CSV_READERS) {
            readOrReject(reader, data);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void jsonlReadersRaiseOnlyDataExceptions(byte[] data) throws IOException {
        for (DataReader reader : JSONL_READERS) {
            readOrReject(reader, data);
        }
    }

    private static void readOrReject(DataReader reader, byte[] data) throws IOException {
        Split split;
        try {
            split = reader.read(new ByteArrayInputStream(data), FILE, "fuzz");
        } catch (DataException e) {
            assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
            return;
        }
        long lines = 1;
        for (byte b : data) {
            lines += b == '\n' ? 1 : 0;
        }
        long previous = 0;
        for (Example example : split.examples()) {
            assertTrue(example.line() > previous && example.line() <= lines, "line " + example.line());
            assertTrue(!example.text().isBlank());
            previous = example.line();
        }
        assertTrue(split.problemCount() >= split.problems().size());
        assertTrue(split.sha256().matches("[0-9a-f]{64}"));
    }
}
