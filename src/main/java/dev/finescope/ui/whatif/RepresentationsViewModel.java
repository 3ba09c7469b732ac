package dev.finescope.ui.whatif;

import dev.finescope.chart.CkaChart;
import dev.finescope.chart.ChartStyle;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.ui.common.CsvTable;
import dev.finescope.ui.common.Figure;
import dev.finescope.ui.common.ProgressTask;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.whatif.RepresentationCka;
import dev.finescope.whatif.SessionSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import org.jfree.chart.JFreeChart;

/**
 * The Representations page: per layer, how much the hidden states of the chosen model changed against its base
 * (or against another fine-tune of the workspace), as linear CKA on {@code [CLS]} and on mean-pooled tokens, drawn
 * above how far the same layer's weights moved. It runs on the session's data and task but opens its own models
 * ({@link RepresentationCka}, cached per models and data), so it needs no session and may run beside an
 * experiment.
 */
public final class RepresentationsViewModel {

    /** The default number of sentences: the task's first 256. */
    public static final int DEFAULT_SENTENCES = 256;

    /** A comparison as drawn. */
    public record CkaPicture(RepresentationCka.Result result, JFreeChart chart) {
    }

    private final WhatIfViewModel session;
    private final ObservableList<TunedModel> others = FXCollections.observableArrayList();
    private final ObjectProperty<TunedModel> against = new SimpleObjectProperty<>(this, "against");
    private final IntegerProperty sentences = new SimpleIntegerProperty(this, "sentences", DEFAULT_SENTENCES);
    private final ReadOnlyObjectWrapper<CkaPicture> picture = new ReadOnlyObjectWrapper<>(this, "picture");
    private final ReadOnlyObjectWrapper<Task<?>> task = new ReadOnlyObjectWrapper<>(this, "task");

    RepresentationsViewModel(WhatIfViewModel session) {
        this.session = session;
    }

    /** The workspace's other fine-tuned models, to compare the chosen one with instead of its base. */
    public ObservableList<TunedModel> others() {
        return others;
    }

    /** The model compared with: another fine-tune; null for the chosen model's base. */
    public ObjectProperty<TunedModel> againstProperty() {
        return against;
    }

    /** The first sentences of the split to compare on (at least 2). */
    public IntegerProperty sentencesProperty() {
        return sentences;
    }

    public ReadOnlyObjectProperty<CkaPicture> pictureProperty() {
        return picture.getReadOnlyProperty();
    }

    /** The comparison in flight, or null. */
    public ReadOnlyObjectProperty<Task<?>> taskProperty() {
        return task.getReadOnlyProperty();
    }

    /** Compares the representations of the session's model with its base (or the chosen other fine-tune). */
    public void compare() {
        Optional<SessionSpec> spec = session.specNow();
        if (spec.isEmpty() || task.get() != null) {
            if (spec.isEmpty()) {
                session.say(session.blockerProperty().get());
            }
            return;
        }
        SessionSpec s = spec.get();
        TunedModel other = against.get();
        ModelFolder base = session.workspace().getBase();
        // an overlay knows its base; a plain fine-tuned folder is compared with the workspace's base
        Path second = other != null ? other.path()
                : session.modelProperty().get().kind() == TunedModel.Kind.OVERLAY ? null
                : base == null ? null : base.path();
        RepresentationCka.Spec cka = new RepresentationCka.Spec(s.model(), second, s.data(), s.task(), s.split(),
                Math.max(2, sentences.get()), s.maxLength());
        ProgressTask<CkaPicture> t = new ProgressTask<>("Comparing the representations of "
                + session.modelProperty().get().label()) {
            @Override
            protected CkaPicture call() {
                return pictureOf(RepresentationCka.compute(cka, stage(0, 1, null)));
            }
        };
        t.setOnSucceeded(e -> {
            task.set(null);
            picture.set(t.getValue());
            RepresentationCka.Result r = t.getValue().result();
            session.say("Representations of " + r.first() + " against " + r.second() + " on " + r.examples()
                    + " sentences" + (r.fromCache() ? " (from the cache)" : ""));
        });
        t.setOnFailed(e -> {
            task.set(null);
            session.dialogs().showError("Could not compare the representations",
                    WhatIfViewModel.describeProblem(t.getException()));
        });
        t.setOnCancelled(e -> task.set(null));
        task.set(t);
        session.executor().execute(t);
    }

    /** Stops the comparison in flight. */
    void cancel() {
        Task<?> t = task.get();
        if (t != null) {
            t.cancel();
        }
    }

    /** The workspace's models changed: the others are every model but the chosen one. */
    void setModels(List<TunedModel> models, TunedModel chosen) {
        others.setAll(models.stream().filter(m -> !m.equals(chosen)).toList());
        if (against.get() != null && !others.contains(against.get())) {
            against.set(null);
        }
    }

    /** The chart, for export and copy. */
    Optional<Figure> figure() {
        return Optional.ofNullable(picture.get()).map(p -> new Figure("whatif-representations",
                List.of(() -> CkaChart.create(p.result())), 900, 560, 1));
    }

    /** One row per layer: CKA on [CLS], on the mean, and the weights' relative L2. */
    public CsvTable table() {
        CsvTable t = new CsvTable(List.of("layer", "cka_cls", "cka_mean", "weight_rel_l2"));
        CkaPicture p = picture.get();
        if (p != null) {
            for (RepresentationCka.Layer l : p.result().layers()) {
                t.add(Integer.toString(l.layer()), Double.toString(l.ckaCls()), Double.toString(l.ckaMean()),
                        Double.toString(l.weightDistance()));
            }
        }
        return t;
    }

    /** The chart drawn in the style the workers draw with (any thread). */
    CkaPicture pictureOf(RepresentationCka.Result r) {
        ChartStyle st = session.drawingStyle();
        return new CkaPicture(r, st.apply(CkaChart.create(r)));
    }

    /** The theme changed: the picture drawn again in it. */
    void restyle() {
        CkaPicture p = picture.get();
        if (p != null) {
            picture.set(pictureOf(p.result()));
        }
    }
}
