package dev.finescope.checkpoint.imports;

import dev.finescope.common.Progress;
import java.nio.file.Path;

/**
 * Where an imported model goes. The importers only read; a sink decides the files, so that the command line,
 * the built-in base model's cache and the tests can all write the same {@link ImportedModel} their own way.
 */
public interface ModelFolderSink {

    /** Writes {@code model} into {@code folder} (created when absent), replacing files of the same names. */
    void write(ImportedModel model, Path folder, Progress progress);
}
