package dev.finescope.checkpoint.imports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.SafetensorsWriter;
import dev.finescope.common.AtomicFiles;
import dev.finescope.common.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an imported model as the Hugging Face folder everything else in FineScope (and {@code transformers})
 * opens: {@code model.safetensors} streamed tensor by tensor from the source, then {@code vocab.txt} and
 * {@code tokenizer.json} when the source had them, and {@code config.json} last, so that a folder with a
 * {@code config.json} is a complete one. Every file appears under its name only when complete.
 */
public final class HuggingFaceFolderSink implements ModelFolderSink {

    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String CONFIG_FILE = "config.json";

    private static final Logger LOGGER = LoggerFactory.getLogger(HuggingFaceFolderSink.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public void write(ImportedModel model, Path folder, Progress progress) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw ImportProblems.of(folder, "cannot create the output folder: " + e.getMessage(), e);
        }
        long t0 = System.nanoTime();
        SafetensorsWriter weights = new SafetensorsWriter().metadata(model.metadata());
        for (ImportedTensor t : model.tensors()) {
            weights.addCopy(t);
        }
        weights.write(folder.resolve(WEIGHTS_FILE), progress);
        if (model.vocabTxt().isPresent()) {
            writeAtomically(folder.resolve(ModelFolder.VOCAB_FILE_NAME), model.vocabTxt().get());
        }
        if (model.tokenizerJson().isPresent()) {
            writeAtomically(folder.resolve(ModelFolder.TOKENIZER_FILE_NAME), model.tokenizerJson().get());
        }
        try {
            writeAtomically(folder.resolve(CONFIG_FILE), JSON.writeValueAsBytes(model.config()));
        } catch (IOException e) {
            throw ImportProblems.of(folder.resolve(CONFIG_FILE), "cannot be written: " + e.getMessage(), e);
        }
        LOGGER.info("wrote {} ({} tensors) in {} ms", folder, model.tensors().size(),
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** Writes the whole file atomically ({@link AtomicFiles}); a failure is an import problem naming it. */
    static void writeAtomically(Path target, byte[] bytes) {
        try {
            AtomicFiles.write(target, bytes);
        } catch (IOException e) {
            throw ImportProblems.of(target, "cannot be written: " + e.getMessage(), e);
        }
    }
}
