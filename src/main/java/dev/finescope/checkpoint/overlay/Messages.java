package dev.finescope.checkpoint.overlay;

/** One-line quoting of names and values that come from files, for messages shown to people. */
final class Messages {

    private static final int MAX_LENGTH = 120;

    private Messages() {
    }

    /** {@code s} in single quotes, control characters escaped, cut after 120 characters. */
    static String quote(String s) {
        if (s == null) {
            return "(none)";
        }
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < s.length() && b.length() <= MAX_LENGTH; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (b.length() > MAX_LENGTH && s.length() > MAX_LENGTH) {
            b.append('…');
        }
        return b.append('\'').toString();
    }
}
