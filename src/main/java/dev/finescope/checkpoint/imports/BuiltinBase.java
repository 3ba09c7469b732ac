package dev.finescope.checkpoint.imports;

import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.UserDirectories;
import dev.finescope.checkpoint.overlay.BuiltinModels;
import dev.finescope.common.Progress;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base model that ships with FineScope: all-MiniLM-L6-v2, a BERT with 6 layers and hidden size 384, as the
 * ONNX export inside its Maven jar on the class path. The first use imports it into the per-user cache folder,
 * once; later uses, in any process, find it there. This is what the sample workspace and the README's examples
 * stand on, so that nothing is ever downloaded.
 */
public final class BuiltinBase {

    /** The name overlays use for it ({@code builtin:all-MiniLM-L6-v2}). */
    public static final String NAME = "all-MiniLM-L6-v2";

    private static final Logger LOGGER = LoggerFactory.getLogger(BuiltinBase.class);
    private static final String RESOURCE = "all-minilm-l6-v2.onnx";
    private static final String DONE_MARKER = ".imported";

    private BuiltinBase() {
    }

    /** Makes {@code builtin:all-MiniLM-L6-v2} resolvable wherever overlays are opened. */
    public static void register() {
        BuiltinModels.register(NAME, () -> folder(Progress.NONE), BuiltinBase::importedFolder);
    }

    /** The jar holding the ONNX model, when it is on the class path. */
    public static Optional<Path> jar() {
        URL url = BuiltinBase.class.getClassLoader().getResource(RESOURCE);
        if (url == null) {
            return Optional.empty();
        }
        try {
            if ("jar".equals(url.getProtocol())) {
                String spec = url.getPath();
                int bang = spec.indexOf("!/");
                return Optional.of(Path.of(new URL(spec.substring(0, bang)).toURI()));
            }
            return Optional.of(Path.of(url.toURI()));
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
            LOGGER.warn("cannot locate {} from {}", RESOURCE, url, e);
            return Optional.empty();
        }
    }

    /** The imported folder in the cache, or empty when it has not been imported yet. */
    public static Optional<Path> importedFolder() {
        Path folder = cacheFolder();
        return Files.isRegularFile(folder.resolve(DONE_MARKER)) ? Optional.of(folder) : Optional.empty();
    }

    /** The imported folder, importing it first (seconds, with progress) when this machine has not yet. */
    public static synchronized Path folder(Progress progress) {
        Optional<Path> done = importedFolder();
        if (done.isPresent()) {
            return done.get();
        }
        Path source = jar().orElseThrow(() -> new CheckpointException(null,
                "the built-in base model (" + RESOURCE + ") is not on the class path; build with mvn package"));
        Path target = cacheFolder();
        Path scratch;
        try {
            Files.createDirectories(target.getParent());
            scratch = Files.createTempDirectory(target.getParent(), NAME + ".importing-");
        } catch (IOException e) {
            throw new CheckpointException(target.getParent(), "cannot create the cache folder: " + e.getMessage(), e);
        }
        try {
            LOGGER.info("importing the built-in base {} from {} into {}", NAME, source, target);
            Importers.importModel(source, scratch, progress);
            Files.writeString(scratch.resolve(DONE_MARKER), source.getFileName() + "\n");
            moveIntoPlace(scratch, target);
            return target;
        } catch (IOException e) {
            throw new CheckpointException(target, "cannot store the imported base: " + e.getMessage(), e);
        } finally {
            deleteQuietly(scratch);
        }
    }

    private static Path cacheFolder() {
        return UserDirectories.cache().resolve("models").resolve(NAME);
    }

    private static void moveIntoPlace(Path scratch, Path target) throws IOException {
        if (Files.exists(target) && !Files.isRegularFile(target.resolve(DONE_MARKER))) {
            deleteQuietly(target);
        }
        try {
            Files.move(scratch, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            LOGGER.info("another process imported {} first; using its copy", NAME);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(scratch, target);
        } catch (java.nio.file.FileSystemException e) {
            // Linux's rename onto a non-empty folder fails with a plain "Directory not empty"
            if (!Files.isRegularFile(target.resolve(DONE_MARKER))) {
                throw e;
            }
            LOGGER.info("another process imported {} first; using its copy", NAME);
        }
    }

    private static void deleteQuietly(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOGGER.debug("cannot delete {}", p, e);
                }
            });
        } catch (IOException e) {
            LOGGER.debug("cannot clean {}", folder, e);
        }
    }
}
