package dev.finescope.ui.testing;

import dev.finescope.ui.common.DialogService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Answers dialogs as a test tells it to and records the messages a user would have seen. Made with another
 * dialog service, it also shows those messages and asks its questions through that one (a window test's real
 * dialogs), while file and folder choosers, which cannot be driven headless, still answer from {@link #chosen}.
 */
public final class RecordingDialogs implements DialogService {

    /** A message shown to the user. */
    public record Message(String title, String text) {
    }

    /** Every message, errors and others, in the order they were shown. */
    public final List<Message> shown = new ArrayList<>();
    public final List<Message> errors = new ArrayList<>();
    public final List<Message> infos = new ArrayList<>();
    /** Paths the next file or folder choosers return, in order (any thread may add); empty means cancelled. */
    public final Deque<Path> chosen = new ConcurrentLinkedDeque<>();
    /** The answer to a question, when there is no other dialog service to ask. */
    public boolean confirmAnswer = true;
    private final DialogService shownBy;

    public RecordingDialogs() {
        this(null);
    }

    /** Records, and shows messages and asks questions through {@code shownBy}. */
    public RecordingDialogs(DialogService shownBy) {
        this.shownBy = shownBy;
    }

    @Override
    public void showError(String title, String message) {
        errors.add(new Message(title, message));
        shown.add(new Message(title, message));
        if (shownBy != null) {
            shownBy.showError(title, message);
        }
    }

    @Override
    public void showInfo(String title, String message) {
        infos.add(new Message(title, message));
        shown.add(new Message(title, message));
        if (shownBy != null) {
            shownBy.showInfo(title, message);
        }
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
        return shownBy != null ? shownBy.confirm(title, message) : confirmAnswer;
    }
}
