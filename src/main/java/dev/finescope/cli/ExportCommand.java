package dev.finescope.cli;

import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.overlay.HuggingFaceExport;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.checkpoint.overlay.Overlay;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finescope export}: base ⊕ overlay written as a complete Hugging Face
 * {@code BertForSequenceClassification} folder, for use outside FineScope.
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write base ⊕ overlay as a full Hugging Face folder (model.safetensors, config.json with "
                + "id2label, vocabulary) that transformers loads as BertForSequenceClassification.")
final class ExportCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @OutputPaths.Reads
    @Option(names = "--base", required = true, paramLabel = "PATH",
            description = "The base model folder (or builtin:all-MiniLM-L6-v2).")
    private Path base;

    @OutputPaths.Reads
    @Option(names = "--overlay", required = true, paramLabel = "FILE", description = "The overlay of a run.")
    private Path overlay;

    @OutputPaths.Writes
    @Option(names = "--out", required = true, paramLabel = "FOLDER", description = "The folder to create.")
    private Path out;

    @Option(names = "--debug", description = "Show the stack trace of a failure.")
    private boolean debug;

    @Override
    public Integer call() {
        try (OutputPaths paths = OutputPaths.of().input("base model", base).input("overlay", overlay)
                .folder("--out", out).check();
             ModelFolder b = Models.openPlain(base, "the base of an overlay"); Overlay o = Overlay.open(overlay)) {
            HuggingFaceExport.Result r = HuggingFaceExport.export(b, o, out,
                    new ConsoleProgress(spec.commandLine().getErr()));
            spec.commandLine().getOut().println("wrote " + r.folder() + " (" + r.tensors().size() + " tensors"
                    + (r.dropped().isEmpty() ? "" : ", dropped " + String.join(", ", r.dropped())) + ")");
        }
        return 0;
    }
}
