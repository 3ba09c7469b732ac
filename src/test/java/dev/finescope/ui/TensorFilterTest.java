package dev.finescope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The tensor chooser of the Histograms tab narrowed by typing, for BERT-base's 200 tensors. */
@ExtendWith(ApplicationExtension.class)
class TensorFilterTest {

    private ComboBox<String> chooser;
    private final ObservableList<String> names = FXCollections.observableArrayList();

    @Start
    void start(Stage stage) {
        chooser = new ComboBox<>();
        List<String> all = new ArrayList<>();
        all.add("bert.embeddings.word_embeddings.weight");
        for (int layer = 0; layer < 12; layer++) {
            for (String m : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense", "intermediate.dense", "output.dense")) {
                all.add("bert.encoder.layer." + layer + "." + m + ".weight");
                all.add("bert.encoder.layer." + layer + "." + m + ".bias");
            }
        }
        names.setAll(all);
        chooser.setValue(all.get(0));
        TextField field = TensorFilter.attach(chooser, names, "filter");
        stage.setScene(new Scene(new HBox(8, field, chooser), 900, 200));
        stage.show();
    }

    @Test
    void typingWordsNarrowsTheList(FxRobot robot) {
        assertEquals(145, chooser.getItems().size());
        robot.clickOn("#filter").write("11 VALUE");
        assertEquals(List.of("bert.encoder.layer.11.attention.self.value.weight",
                "bert.encoder.layer.11.attention.self.value.bias"), List.copyOf(chooser.getItems()));
        assertEquals("bert.encoder.layer.11.attention.self.value.weight", chooser.getValue());
        robot.interact(() -> robot.lookup("#filter").queryAs(TextField.class).clear());
        assertEquals(145, chooser.getItems().size());
        assertEquals("bert.encoder.layer.11.attention.self.value.weight", chooser.getValue());
    }

    @Test
    void everyWordMustBeInTheName() {
        assertTrue(TensorFilter.matches("bert.encoder.layer.3.output.dense.weight", "layer.3 output"));
        assertTrue(TensorFilter.matches("anything", "  "));
        assertFalse(TensorFilter.matches("bert.encoder.layer.3.output.dense.weight", "layer.3 query"));
    }
}
