package dev.finescope.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * Makes a folder refuse new files, as a user's {@code chmod a-w} does: by its permissions, or where those do not
 * bind (root) by the immutable attribute ({@code chattr +i}), and undoes it.
 */
public final class ReadOnlyFolders {

    private ReadOnlyFolders() {
    }

    /** True when {@code folder} now refuses new files; false when neither way works here. */
    public static boolean makeReadOnly(Path folder) {
        try {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
            if (refusesNewFiles(folder)) {
                return true;
            }
            run("chattr", "+i", folder.toString());
            return refusesNewFiles(folder);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Makes {@code folder} writable again. */
    public static void undo(Path folder) {
        try {
            run("chattr", "-i", folder.toString());
        } catch (IOException e) {
            // no chattr: the permissions alone were used
        }
        try {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot make " + folder + " writable again", e);
        }
    }

    private static boolean refusesNewFiles(Path folder) {
        try {
            Files.delete(Files.createTempFile(folder, "probe", ".tmp"));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static void run(String... command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(
                    ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
