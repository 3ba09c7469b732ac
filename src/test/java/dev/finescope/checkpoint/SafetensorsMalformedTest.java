package dev.finescope.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a safetensors header can lie is refused with one line naming the file and the problem. */
class SafetensorsMalformedTest {

    private static final String OK_ENTRY = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    @TempDir
    Path dir;

    private Path file;

    private void assertRefused(String expectedProblem) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsReader.open(file).close());
        assertEquals(file, e.file());
        assertEquals(expectedProblem, e.problem());
        assertEquals(file + ": " + expectedProblem, e.getMessage());
    }

    private void header(String json, int dataBytes) {
        file = Fixtures.rawSafetensors(dir.resolve("model.safetensors"), json, new byte[dataBytes]);
    }

    @Test
    void aHeaderLengthPastTheEndOfTheFileIsRefused() {
        file = Fixtures.rawSafetensors(dir.resolve("model.safetensors"), 1000, "{}", new byte[6]);
        assertRefused("header length 1000 goes past the end of the file (16 bytes); "
                + "the file is truncated or not safetensors");
    }

    @Test
    void anAbsurdHeaderLengthIsRefusedBeforeAnythingIsAllocated() {
        file = Fixtures.rawSafetensors(dir.resolve("model.safetensors"), -2, "{}", new byte[0]);
        assertRefused("header length 18446744073709551614 is over the 100 MB limit of safetensors; "
                + "this is not a safetensors file or it is corrupt");
    }

    @Test
    void aFileShorterThanTheLengthFieldIsRefused() throws IOException {
        file = dir.resolve("model.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        assertRefused("is too short for a safetensors file (3 bytes; the header length alone takes 8)");
    }

    @Test
    void aMissingFileIsNamed() {
        file = dir.resolve("absent.safetensors");
        assertRefused("does not exist");
    }

    @Test
    void badHeaderJsonIsRefused() {
        header("{\"a\": {\"dtype\": \"F32\",, }}", 0);
        assertRefused("bad header JSON in the entry of 'a': Unexpected character (',' (code 44)): "
                + "was expecting double-quote to start field name (at byte 30)");
    }

    @Test
    void aHeaderThatIsNotAnObjectIsRefused() {
        header("[1, 2]", 0);
        assertRefused("bad header JSON: the header is not a JSON object");
    }

    @Test
    void contentAfterTheHeaderObjectIsRefused() {
        header("{} {}", 0);
        assertRefused("bad header JSON: unexpected content after the header object");
    }

    @Test
    void anEntryThatIsNotAnObjectIsRefused() {
        header("{\"w\": [1, 2]}", 0);
        assertRefused("entry 'w' is not a JSON object but [1,2]");
    }

    @Test
    void anUnknownDtypeIsRefused() {
        header("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2);
        assertRefused("tensor 'w' has unknown dtype 'F8_E4M3' "
                + "(FineScope reads [F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL])");
    }

    @Test
    void aMissingDtypeIsRefused() {
        header("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        assertRefused("tensor 'w' has no dtype string");
    }

    @Test
    void aNegativeDimensionIsRefused() {
        header("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,8]}}", 8);
        assertRefused("tensor 'w' has a bad shape [2,-1]: dimensions must be non-negative integers");
    }

    @Test
    void aFractionalDimensionIsRefused() {
        header("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", 8);
        assertRefused("tensor 'w' has a bad shape [2.5]: dimensions must be non-negative integers");
    }

    @Test
    void aShapeWhoseSizeOverflowsIsRefused() {
        header("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8);
        assertRefused("tensor 'w' has a shape too large to exist: [4294967296, 4294967296]");
    }

    @Test
    void offsetsThatAreNotTwoNonNegativeIntegersAreRefused() {
        header("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,16]}}", 16);
        assertRefused("tensor 'w' has bad data_offsets [0,8,16]: expected two non-negative integers");
        header("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", 16);
        assertRefused("tensor 'w' has bad data_offsets [-8,0]: expected two non-negative integers");
        header("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", 16);
        assertRefused("tensor 'w' has bad data_offsets (none): expected two non-negative integers");
    }

    @Test
    void offsetsThatBeginAfterTheyEndAreRefused() {
        header("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8);
        assertRefused("tensor 'w' has data_offsets [8, 0] that begin after they end");
    }

    @Test
    void dataOffsetsPastTheEndAreRefused() {
        header("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 12);
        assertRefused("tensor 'w' has data_offsets [0, 16] past the end of the data (12 bytes); "
                + "the file is truncated or corrupt");
    }

    @Test
    void aByteLengthThatDisagreesWithTheShapeIsRefused() {
        header("{\"w\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
        assertRefused("tensor 'w' has 8 bytes of data but F16[3] needs 6");
    }

    @Test
    void overlappingTensorsAreRefused() {
        header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
        assertRefused("tensors 'a' [0, 8) and 'b' [4, 12) overlap");
    }

    @Test
    void emptyTensorsAtAnyOffsetDoNotOverlap() {
        header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}", 8);
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertEquals(0, r.tensor("e").numel());
        }
    }

    @Test
    void aDuplicateTensorNameIsRefused() {
        header("{\"w\":" + OK_ENTRY + ",\"w\":" + OK_ENTRY + "}", 8);
        assertRefused("tensor 'w' appears twice in the header");
    }

    @Test
    void metadataMustMapStringsToStrings() {
        header("{\"__metadata__\":{\"format\":1}}", 0);
        assertRefused("bad header JSON: __metadata__ value of 'format' is not a string but 1");
    }

    @Test
    void controlCharactersInNamesStayOnOneLine() {
        header("{\"a\\nb\":{\"dtype\":\"X\",\"shape\":[],\"data_offsets\":[0,0]}}", 0);
        assertRefused("tensor 'a\\u000ab' has unknown dtype 'X' "
                + "(FineScope reads [F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL])");
    }

    @Test
    void aFolderIsNotASafetensorsFile() {
        file = dir;
        assertRefused("is a folder, not a safetensors file");
    }
}
