package dev.finescope.ui;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** A {@link DialogService} that answers from a queue and remembers what it was asked to show. */
final class RecordingDialogs implements DialogService {

    /** A message shown to the user. */
    record Shown(String kind, String title, String message) {
    }

    final List<Shown> shown = new ArrayList<>();
    final Deque<Path> answers = new ArrayDeque<>();
    boolean confirmAnswer = true;

    @Override
    public void showError(String title, String message) {
        shown.add(new Shown("error", title, message));
    }

    @Override
    public void showInfo(String title, String message) {
        shown.add(new Shown("info", title, message));
    }

    @Override
    public Optional<Path> chooseOpenFile(String title, List<String> extensions) {
        return Optional.ofNullable(answers.poll());
    }

    @Override
    public Optional<Path> chooseDirectory(String title) {
        return Optional.ofNullable(answers.poll());
    }

    @Override
    public Optional<Path> chooseSaveFile(String title, String initialName, List<String> extensions) {
        return Optional.ofNullable(answers.poll());
    }

    @Override
    public boolean confirm(String title, String message) {
        return confirmAnswer;
    }

    List<Shown> errors() {
        return shown.stream().filter(s -> s.kind().equals("error")).toList();
    }
}
