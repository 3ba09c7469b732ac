package dev.finescope.ui.testing;

import dev.finescope.ui.DialogService;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** Answers dialogs as a test tells it to and records the messages a user would have seen. */
public final class RecordingDialogs implements DialogService {

    /** A message shown to the user. */
    public record Message(String title, String text) {
    }

    public final List<Message> errors = new ArrayList<>();
    public final List<Message> infos = new ArrayList<>();
    /** Paths the next file or folder choosers return, in order; empty means the user cancelled. */
    public final Deque<Path> chosen = new ArrayDeque<>();
    public boolean confirmAnswer = true;

    @Override
    public void showError(String title, String message) {
        errors.add(new Message(title, message));
    }

    @Override
    public void showInfo(String title, String message) {
        infos.add(new Message(title, message));
    }

    @Override
    public Optional<Path> chooseOpenFile(String title, List<String> extensions) {
        return Optional.ofNullable(chosen.poll());
    }

    @Override
    public Optional<Path> chooseDirectory(String title) {
        return Optional.ofNullable(chosen.poll());
    }

    @Override
    public Optional<Path> chooseSaveFile(String title, String initialName, List<String> extensions) {
        return Optional.ofNullable(chosen.poll());
    }

    @Override
    public boolean confirm(String title, String message) {
        return confirmAnswer;
    }
}
