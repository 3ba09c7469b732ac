package dev.finescope.ui.common;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything that asks the user something or tells them something in a window of its own. View models talk to
 * this instead of opening windows, so they stay testable without a screen and every message looks the same.
 */
public interface DialogService {

    /** A problem the user must see: {@code message} names the file and what is wrong with it. */
    void showError(String title, String message);

    void showInfo(String title, String message);

    /**
     * A file to read. {@code extensions} without dots ({@code "safetensors"}, {@code "json"}); empty means any
     * file.
     */
    Optional<Path> chooseOpenFile(String title, List<String> extensions);

    Optional<Path> chooseDirectory(String title);

    /** A file to write, suggested as {@code initialName}; the first extension is the default. */
    Optional<Path> chooseSaveFile(String title, String initialName, List<String> extensions);

    /** True when the user says yes. */
    boolean confirm(String title, String message);
}
