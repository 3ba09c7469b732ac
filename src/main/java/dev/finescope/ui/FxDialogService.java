package dev.finescope.ui;

import dev.finescope.ui.common.DialogService;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/** The {@link DialogService} of the running app: JavaFX alerts and file choosers owned by the main window. */
public final class FxDialogService implements DialogService {

    private final Window owner;
    private final AppPreferences preferences;
    private Path lastFolder;

    public FxDialogService(Window owner) {
        this(owner, null);
    }

    /** Save dialogs open where the last export went, remembered in {@code preferences} (may be null). */
    public FxDialogService(Window owner, AppPreferences preferences) {
        this.owner = owner;
        this.preferences = preferences;
    }

    /**
     * Where a save dialog opens: the folder of the last export when it is still there, else the user's pictures
     * folder for pictures (PNG, SVG) and their documents folder for the rest; never the working folder, which for
     * an installed app is its read-only install folder.
     */
    static Path initialSaveFolder(List<String> extensions, Optional<Path> lastExport,
            java.util.function.Function<String, Path> userFolder) {
        if (lastExport.isPresent() && java.nio.file.Files.isDirectory(lastExport.get())) {
            return lastExport.get();
        }
        boolean picture = !extensions.isEmpty() && List.of("png", "svg").contains(extensions.get(0));
        return userFolder.apply(picture ? "PICTURES" : "DOCUMENTS");
    }

    @Override
    public void showError(String title, String message) {
        show(Alert.AlertType.ERROR, title, message);
    }

    @Override
    public void showInfo(String title, String message) {
        show(Alert.AlertType.INFORMATION, title, message);
    }

    private void show(Alert.AlertType type, String title, String message) {
        Alert alert = new Alert(type);
        alert.initOwner(owner);
        alert.setTitle(title);
        alert.setHeaderText(title);
        Label text = new Label(message);
        text.setWrapText(true);
        text.setId("dialog-message");
        text.setMaxWidth(560);
        alert.getDialogPane().setContent(text);
        alert.getDialogPane().setId(type == Alert.AlertType.ERROR ? "error-dialog" : "info-dialog");
        alert.showAndWait();
    }

    @Override
    public Optional<Path> chooseOpenFile(String title, List<String> extensions) {
        FileChooser chooser = fileChooser(title, extensions);
        return remember(chooser.showOpenDialog(owner));
    }

    @Override
    public Optional<Path> chooseDirectory(String title) {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle(title);
        if (lastFolder != null && lastFolder.toFile().isDirectory()) {
            chooser.setInitialDirectory(lastFolder.toFile());
        }
        File folder = chooser.showDialog(owner);
        if (folder == null) {
            return Optional.empty();
        }
        lastFolder = folder.toPath().getParent();
        return Optional.of(folder.toPath());
    }

    @Override
    public Optional<Path> chooseSaveFile(String title, String initialName, List<String> extensions) {
        FileChooser chooser = fileChooser(title, extensions);
        chooser.setInitialFileName(initialName);
        Path folder = initialSaveFolder(extensions,
                preferences == null ? Optional.empty() : preferences.exportFolder(),
                dev.finescope.checkpoint.UserDirectories::userFolder);
        if (java.nio.file.Files.isDirectory(folder)) {
            chooser.setInitialDirectory(folder.toFile());
        }
        Optional<Path> chosen = Optional.ofNullable(chooser.showSaveDialog(owner)).map(java.io.File::toPath);
        chosen.ifPresent(file -> {
            if (preferences != null && file.getParent() != null) {
                preferences.rememberExportFolder(file.getParent());
            }
        });
        return chosen;
    }

    @Override
    public boolean confirm(String title, String message) {
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION, message, ButtonType.YES, ButtonType.NO);
        alert.initOwner(owner);
        alert.setTitle(title);
        alert.setHeaderText(title);
        return alert.showAndWait().filter(ButtonType.YES::equals).isPresent();
    }

    private FileChooser fileChooser(String title, List<String> extensions) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        for (String ext : extensions) {
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(ext.toUpperCase(java.util.Locale.ROOT)
                    + " files", "*." + ext));
        }
        if (!extensions.isEmpty()) {
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("All files", "*"));
        }
        if (lastFolder != null && lastFolder.toFile().isDirectory()) {
            chooser.setInitialDirectory(lastFolder.toFile());
        }
        return chooser;
    }

    private Optional<Path> remember(File file) {
        if (file == null) {
            return Optional.empty();
        }
        lastFolder = file.toPath().getParent();
        return Optional.of(file.toPath());
    }
}
