package dev.finescope.ui.whatif;

import dev.finescope.whatif.PruneMethod;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TextField;
import javafx.scene.control.TextFormatter;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.util.converter.LongStringConverter;

/** The small controls the What-if pages share, so that each page looks and reads like the others. */
final class WhatIfControls {

    /** The selection syntax, for the tooltips of the fields that take one. */
    static final String SELECTION_SYNTAX = "all · layer:3 · layers:2-4 · column:FFN-in · 3:V,4:FFN-out";

    private WhatIfControls() {
    }

    /** Stops the running experiment; enabled while one runs. */
    static Button cancelButton(WhatIfViewModel vm, String id) {
        Button cancel = new Button("Cancel");
        cancel.setId(id);
        cancel.setOnAction(e -> vm.cancel());
        cancel.disableProperty().bind(vm.busyBinding().not());
        tip(cancel, "Stop the running experiment at its next layer or batch; a sweep keeps its points.");
        return cancel;
    }

    static ComboBox<PruneMethod> methodChooser(String id, ObjectProperty<PruneMethod> property) {
        ComboBox<PruneMethod> method = new ComboBox<>();
        method.getItems().setAll(PruneMethod.values());
        method.setId(id);
        method.valueProperty().bindBidirectional(property);
        method.setCellFactory(l -> new MethodCell());
        method.setButtonCell(new MethodCell());
        tip(method, "Magnitude zeroes the smallest |w| first; random zeroes a seeded random set of entries.");
        return method;
    }

    /**
     * A field for a seed; {@code seed} is bound both ways, weakly, so the caller keeps it for as long as the
     * field lives.
     */
    static TextField seedField(String id, ObjectProperty<Long> seed) {
        TextField field = new TextField();
        field.setId(id);
        field.setPrefColumnCount(4);
        TextFormatter<Long> formatter = new TextFormatter<>(new LongStringConverter(), seed.get(),
                change -> change.getControlNewText().matches("-?\\d{0,18}") ? change : null);
        field.setTextFormatter(formatter);
        formatter.valueProperty().bindBidirectional(seed);
        tip(field, "The seed of random pruning: the same seed zeroes the same entries.");
        return field;
    }

    static <R> TableColumn<R, String> column(String name, double width, Function<R, String> text) {
        TableColumn<R, String> c = new TableColumn<>(name);
        c.setPrefWidth(width);
        c.setCellValueFactory(f -> new SimpleStringProperty(f.getValue() == null ? "" : text.apply(f.getValue())));
        c.setSortable(false);
        return c;
    }

    /** A number to four decimals; a dash for NaN. */
    static String fixed(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.4f", v);
    }

    static Label heading(String text) {
        Label l = new Label(text);
        l.setStyle("-fx-font-weight: bold;");
        return l;
    }

    static Region spacer() {
        Region r = new Region();
        HBox.setHgrow(r, Priority.ALWAYS);
        return r;
    }

    static void tip(Control control, String text) {
        Tooltip tooltip = new Tooltip(text);
        tooltip.setWrapText(true);
        tooltip.setMaxWidth(420);
        control.setTooltip(tooltip);
    }

    /** A pruning method in words. */
    private static final class MethodCell extends ListCell<PruneMethod> {
        @Override
        protected void updateItem(PruneMethod item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : item == PruneMethod.MAGNITUDE ? "magnitude" : "random");
        }
    }
}
