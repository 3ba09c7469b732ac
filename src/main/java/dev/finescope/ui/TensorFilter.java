package dev.finescope.ui;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Predicate;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;

/**
 * A search field for a chooser of tensor names: BERT-base has 200 tensors, too many to scroll through. The chooser
 * lists only the names holding every word typed ("11 value", "layer.3 output"), in any order and case; the chosen
 * name stays chosen while it matches.
 */
public final class TensorFilter {

    private TensorFilter() {
    }

    /** True when {@code name} holds every word of {@code query} (case aside); an empty query matches all. */
    static boolean matches(String name, String query) {
        String n = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(query.toLowerCase(Locale.ROOT).strip().split("\\s+"))
                .allMatch(word -> word.isEmpty() || n.contains(word));
    }

    /** Gives {@code chooser} the names of {@code all} that the returned field's words match. */
    public static TextField attach(ComboBox<String> chooser, ObservableList<String> all, String id) {
        FilteredList<String> shown = new FilteredList<>(all, x -> true);
        chooser.setItems(shown);
        TextField field = new TextField();
        field.setId(id);
        field.setPromptText("filter tensors, e.g. 11 value");
        field.setPrefColumnCount(14);
        field.setTooltip(new Tooltip("Only the tensors whose names hold every word typed"));
        field.textProperty().addListener((obs, old, text) -> {
            Predicate<String> p = name -> matches(name, text == null ? "" : text);
            shown.setPredicate(p);
            if (!shown.isEmpty() && (chooser.getValue() == null || !p.test(chooser.getValue()))) {
                chooser.setValue(shown.get(0));
            }
        });
        chooser.disabledProperty().addListener((obs, was, now) -> field.setDisable(now));
        field.setDisable(chooser.isDisabled());
        return field;
    }
}
