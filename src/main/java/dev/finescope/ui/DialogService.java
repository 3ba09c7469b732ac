package dev.finescope.ui;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Opens dialogs for view models, so view models never touch windows and tests can answer for the user. */
public interface DialogService {

    void showError(String title, String message);

    void showInfo(String title, String message);

    /** @param extensions patterns such as {@code *.json} */
    Optional<Path> chooseOpenFile(String title, List<String> extensions);

    Optional<Path> chooseDirectory(String title);

    Optional<Path> chooseSaveFile(String title, String initialName, List<String> extensions);

    boolean confirm(String title, String message);
}
