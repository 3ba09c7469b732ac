package dev.finescope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.ui.common.TunedModel;
import dev.finescope.ui.common.WorkspaceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceFileTest {

    @TempDir
    Path dir;

    @Test
    void pathsAreStoredRelativeToTheWorkspaceAndReadBackAbsolute() throws Exception {
        Path folder = dir.resolve("ws");
        WorkspaceFile.Contents contents = new WorkspaceFile.Contents(folder, dir.resolve("models/base"),
                List.of(new TunedModel("full", dir.resolve("models/full"), TunedModel.Kind.FOLDER),
                        new TunedModel("task", folder.resolve("task.safetensors"), TunedModel.Kind.OVERLAY)),
                folder.resolve("runs"), null);
        Path file = WorkspaceFile.write(contents);

        String json = Files.readString(file);
        assertTrue(json.contains("\"base\" : \"../models/base\""), json);
        assertTrue(json.contains("\"kind\" : \"overlay\""), json);
        assertEquals(contents, WorkspaceFile.read(folder));
        assertEquals(List.of(file.getFileName().toString()), list(folder), "no temporary file is left behind");
    }

    @Test
    void aMissingKindMeansAFolderAndAMissingLabelTheFolderName() throws Exception {
        Files.writeString(dir.resolve(WorkspaceFile.FILE_NAME), "{\"base\": \"b\", \"tuned\": [{\"path\": \"x/t\"}]}");
        WorkspaceFile.Contents c = WorkspaceFile.read(dir);
        assertEquals(new TunedModel("t", dir.resolve("x/t"), TunedModel.Kind.FOLDER), c.tuned().get(0));
        assertNull(c.runs());
    }

    @Test
    void problemsNameTheFileAndTheKey() throws Exception {
        Path file = dir.resolve(WorkspaceFile.FILE_NAME);
        Files.writeString(file, "{\"tuned\": []}");
        assertEquals(file + ": has no 'base'", assertThrows(WorkspaceException.class,
                () -> WorkspaceFile.read(dir)).getMessage());
        Files.writeString(file, "{\"base\": \"b\", \"tuned\": [{\"path\": \"t\", \"kind\": \"lora\"}]}");
        assertEquals(file + ": tuned[0].kind must be 'folder' or 'overlay', not 'lora'",
                assertThrows(WorkspaceException.class, () -> WorkspaceFile.read(dir)).getMessage());
        Files.writeString(file, "{\"base\": ");
        assertTrue(assertThrows(WorkspaceException.class, () -> WorkspaceFile.read(dir)).getMessage()
                .startsWith(file + ": is not valid JSON"));
        Files.writeString(file, "[]");
        assertEquals(file + ": must hold a JSON object",
                assertThrows(WorkspaceException.class, () -> WorkspaceFile.read(dir)).getMessage());
    }

    @Test
    void onlyAFolderWithAWorkspaceFileIsAWorkspace() throws Exception {
        assertTrue(!WorkspaceFile.isWorkspace(dir));
        Files.writeString(dir.resolve(WorkspaceFile.FILE_NAME), "{}");
        assertTrue(WorkspaceFile.isWorkspace(dir));
    }

    private static List<String> list(Path folder) throws Exception {
        try (var s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void aWorkspaceFileOfRandomBytesIsCalledNoWorkspaceWithoutJavasWords() throws Exception {
        Path file = dir.resolve("workspace.json");
        Files.write(file, new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE, 0x00, (byte) 0x81});
        assertEquals(file + ": is not a workspace file: it is not UTF-8 text (a workspace is JSON)",
                assertThrows(WorkspaceException.class, () -> WorkspaceFile.read(dir)).getMessage());
    }
}
