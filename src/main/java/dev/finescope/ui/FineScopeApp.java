package dev.finescope.ui;

import javafx.application.Application;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;

/**
 * The FineScope window. For now it only says where the analysis lives (the {@code analyze} command), so that
 * {@code finescope} with no command opens something honest.
 */
public final class FineScopeApp extends Application {

    /** The window's title. */
    public static final String TITLE = "FineScope";

    /** Opens the window and returns when it is closed. */
    public static void open() {
        Application.launch(FineScopeApp.class);
    }

    @Override
    public void start(Stage stage) {
        MenuItem quit = new MenuItem("Quit");
        quit.setAccelerator(KeyCombination.keyCombination("Shortcut+Q"));
        quit.setOnAction(e -> Platform.exit());
        MenuItem about = new MenuItem("About FineScope");
        about.setOnAction(e -> about(stage));
        MenuBar menus = new MenuBar(new Menu("File", null, quit), new Menu("Help", null, about));

        Label hint = new Label("""
                FineScope shows how fine-tuning changed a BERT-family model.
                This window does not open models yet. From a terminal, compare a fine-tuned model with its base:

                    java -jar finescope.jar analyze --base BASE --tuned TUNED --png heatmap.png""");
        hint.setId("hint");
        hint.setWrapText(true);
        hint.setPadding(new Insets(24));

        BorderPane root = new BorderPane(hint);
        root.setTop(menus);
        stage.setTitle(TITLE);
        stage.setScene(new Scene(root, 720, 360));
        stage.show();
    }

    private static void about(Stage owner) {
        String version = FineScopeApp.class.getPackage().getImplementationVersion();
        Alert alert = new Alert(Alert.AlertType.INFORMATION);
        alert.initOwner(owner);
        alert.setTitle("About FineScope");
        alert.setHeaderText("FineScope " + (version == null ? "(development build)" : version));
        alert.setContentText("See how fine-tuning changed a BERT-family model, layer by layer.");
        alert.showAndWait();
    }
}
